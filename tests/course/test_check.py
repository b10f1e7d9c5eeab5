"""`gradekit check` lists every place a course disagrees with its task tables, and release refuses it."""

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from gradekit.course import check
from gradekit.course.questions import question_folders

COURSE = Path(__file__).resolve().parents[1] / "grade" / "course"
TABLE = "| id | task | points | graded |\n|---|---|---|---|\n"


@pytest.fixture
def course(tmp_path):
    """A copy of the small grading course, with the READMEs `gradekit check` expects."""
    root = tmp_path / "course"
    shutil.copytree(COURSE, root, ignore=shutil.ignore_patterns("__pycache__"))
    from gradekit.course.questions import load_question, question_folders

    lines = ["| question | title | what |", "|---|---|---|"]
    for folder in question_folders(root / "assignments"):
        q = load_question(folder)
        rows = "".join(f"| {t.id} | {t.title} | {t.points:g} | auto |\n" for t in q.tasks)
        (folder / "README.md").write_text(f"# {q.title}\n\n{TABLE}{rows}")
        lines.append(f"| {q.id} | {q.title} | - |")
    (root / "README.md").write_text("\n".join(lines) + "\n")
    return root


def test_a_consistent_course_has_no_problems(course):
    assert check.problems(course) == []


def test_a_changed_point_value_and_a_renamed_task_are_reported(course):
    readme = course / "assignments" / "q1" / "README.md"
    text = readme.read_text()
    first = text.splitlines()[4]  # the first task row
    cells = [c.strip() for c in first.strip("|").split("|")]
    readme.write_text(text.replace(first, f"| {cells[0]} | another title | 99 | auto |"))
    found = check.problems(course)
    assert any(f"{cells[0]} has 99 points, tasks.toml says" in p for p in found), found
    assert any(f"{cells[0]} is titled 'another title'" in p for p in found), found


def test_a_task_without_a_visible_test_is_reported(course):
    tests = course / "assignments" / "q1" / "test_arith.py"
    tests.write_text(tests.read_text().replace('mark.task("q1.1")', 'mark.task("q1.2")'))
    assert "q1.1: no visible test (assignments/q1/test_*.py)" in check.problems(course)


def test_a_forbidden_name_that_names_nothing_is_reported(course):
    table = course / "assignments" / "q2" / "tasks.toml"
    table.write_text(table.read_text().replace('forbid = ["@convolution"]', 'forbid = ["numpy.corelate"]', 1))
    found = check.problems(course)
    assert any("forbids numpy.corelate, which name nothing here" in p for p in found), found


def test_a_stale_stub_and_a_question_missing_from_the_top_table_are_reported(course):
    stub = course / "assignments" / "q1" / "arith.py"
    stub.write_text(stub.read_text() + "\n# an edit made to the stub instead of the solution\n")
    top = course / "README.md"
    top.write_text("\n".join(line for line in top.read_text().splitlines() if not line.startswith("| q3 ")) + "\n")
    found = check.problems(course)
    assert any(p.startswith("assignments/q1/arith.py: differs") for p in found), found
    assert "README.md: the question table has no row for q3" in found


def test_a_hidden_test_or_a_reason_is_required(course):
    for hidden in (course / "solutions" / "q1" / "hidden").glob("test_*.py"):
        hidden.unlink()
    assert "q1.1: no hidden test" in "\n".join(check.problems(course))
    table = course / "assignments" / "q1" / "tasks.toml"
    marker = 'id = "q1.1"\n'
    table.write_text(
        table.read_text().replace(marker, marker + 'no_hidden_tests = "its visible tests are exhaustive"\n')
    )
    assert "q1.1: no hidden test" not in "\n".join(check.problems(course))


def test_the_command_exits_1_with_the_list(course):
    (course / "assignments" / "q1" / "README.md").unlink()
    proc = subprocess.run([sys.executable, "-m", "gradekit", "check"], cwd=course, capture_output=True, text=True)
    assert proc.returncode == 1
    assert "assignments/q1/README.md: missing" in proc.stdout
    assert "problem(s)" in proc.stderr


def test_the_kits_own_course_agrees_with_itself():
    repo = Path(__file__).resolve().parents[2]
    assert check.problems(repo) == []


def test_points_that_do_not_total_100_are_reported(course):
    table = course / "assignments" / "q1" / "tasks.toml"
    table.write_text(table.read_text().replace("points = 40", "points = 45", 1))
    assert any("must total 100 points, they total 105" in p for p in check.problems(course))


def test_a_question_misnamed_in_the_top_table_is_reported(course):
    top = course / "README.md"
    text = top.read_text()
    row = next(line for line in text.splitlines() if line.startswith("| q2 "))
    top.write_text(text.replace(row, "| q2 | an old title | - |"))
    assert any(
        p.startswith("README.md: q2 is titled 'an old title', its tasks.toml says") for p in check.problems(course)
    )


def test_a_question_count_written_out_wrongly_is_reported(course):
    count = len(question_folders(course / "assignments"))
    top = course / "README.md"
    # Wrapped over two lines, the right count passes; "written questions" carries no number.
    words = check.NUMBER_WORDS
    top.write_text(f"{words[count].title()}\nquestions, with written questions.\n\n" + top.read_text())
    assert check.problems(course) == []
    template = course / check.STUDENT_README
    template.parent.mkdir(parents=True)
    template.write_text(f"# The course\n\n{words[count + 1].title()} questions take you from ...\n")
    found = check.problems(course)
    assert found == [
        f"gradekit/release/templates/student_README.md:3: says '{words[count + 1].title()} questions', "
        f"the course has {count} questions (q1, q2, q3, q4)"
    ], found


def _drifted(course):
    """The failure the check was made for: a task's points changed in tasks.toml only."""
    table = course / "assignments" / "q1" / "tasks.toml"
    text = table.read_text()
    table.write_text(text.replace("points = 40", "points = 35", 1).replace("points = 30", "points = 35", 1))
    return "q1.1 has 40 points, tasks.toml says 35"


@pytest.mark.parametrize("command", ["release", "nbgrader"])
def test_release_and_nbgrader_refuse_a_course_that_disagrees_and_write_nothing(course, tmp_path, command):
    expected = _drifted(course)
    out = tmp_path / f"{command}-output"
    proc = subprocess.run(
        [sys.executable, "-m", "gradekit", command, str(out)], cwd=course, capture_output=True, text=True
    )
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert f"gradekit {command} refused: the course disagrees with itself" in proc.stderr
    assert expected in proc.stderr, proc.stderr
    assert not out.exists()
