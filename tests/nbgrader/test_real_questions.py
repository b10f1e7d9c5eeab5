"""The course's own questions through real nbgrader: the solution notebook earns every task's points,
the untouched release none, and a notebook with only its first module solved exactly the points of
the tasks that module's code completes. Expected points come from the question's tasks.toml.

Checked: q1 and q3 (fast questions) and q8, a training question (fine-tuning runs inside the
notebook's test cells). q8's half-done notebook is left out: it would fine-tune once more for the
path q1 and q3 already prove. q7 goes through the same generator; it is left out only because its
three autograded notebooks would add minutes of training to every CI run for no new code path.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from gradekit.course.questions import load_question
from gradekit.nbgrader import cells as module_cells

REPO = Path(__file__).resolve().parents[2]
QUESTIONS = ["q1", "q3", "q8"]
HALF_DONE = ["q1", "q3"]  # questions that also get carol's notebook, only its first module solved


def first_module(question):
    """The first module of the notebook, and the tasks whose code and tests need only it."""
    modules = module_cells.load_modules(REPO, question)
    first = next(m for m in modules if m.tasks)
    tests = sorted((REPO / "assignments" / question.id).glob("test_*.py"))
    tests += sorted((REPO / "solutions" / question.id / "hidden").glob("test_*.py"))
    used = module_cells.modules_used_by_tests(tests)
    others = {m.name for m in modules if m.tasks and m is not first}
    done = {
        t.id
        for t in question.tasks
        if all(any(f in c.names or f.split(".")[0] in c.names for c in first.chunks) for f in t.functions)
        and not used.get(t.id, set()) & others
    }
    return first, done


@pytest.fixture(scope="module")
def graded(course_of):
    course = course_of(QUESTIONS)
    for qid in QUESTIONS:
        first, _ = first_module(load_question(REPO / "assignments" / qid))
        source = course.notebook("source", qid)
        half = [
            key
            for key in course.solution_ids(qid)
            if course.cell(source, key).source.startswith(f"%%writefile my_code/{first.name}.part")
        ]
        course.submit("alice", qid, course.student_notebook(qid, solved="all"))
        course.submit("bob", qid, course.student_notebook(qid))
        if qid in HALF_DONE:
            course.submit("carol", qid, course.student_notebook(qid, solved=half))
        course.nbgrader("autograde", qid)
    return course


def test_the_checked_questions_exist():
    missing = [q for q in QUESTIONS if not (REPO / "solutions" / q).is_dir()]
    assert not missing, f"no solutions for {missing}: the round trip would prove nothing for them"


@pytest.mark.parametrize("qid", QUESTIONS)
def test_solution_untouched_and_half_done_notebooks(graded, qid):
    question = load_question(REPO / "assignments" / qid)
    full = {t.id: t.points for t in question.tasks}
    _, done = first_module(question)
    assert done, f"{qid}: its first module completes no task, so the half-done notebook proves nothing"
    assert graded.task_points(qid, "alice") == full
    assert graded.task_points(qid, "bob") == {t: 0 for t in full}
    if qid in HALF_DONE:
        assert graded.task_points(qid, "carol") == {t: (p if t in done else 0) for t, p in full.items()}
    for w in question.written:
        answer = graded.grades(qid, "alice")[f"{w.id.replace('.', '_')}_answer"]
        assert answer["needs_manual_grade"] and answer["max_score"] == w.points
