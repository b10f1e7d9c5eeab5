"""Student stubs generated from the reference solutions (``gradekit stubs``).

Solutions mark what the student writes with nbgrader's markers::

    def conv2d(x, w, b, stride=1, pad=0):
        \"\"\"...docstring the student reads...\"\"\"
        ### BEGIN SOLUTION
        ...
        ### END SOLUTION

The stub keeps everything outside the markers and replaces each marked block by
``raise NotImplementedError("q1.3 not implemented yet: conv2d")``, the task id coming from the
``functions`` lists in ``assignments/qN/tasks.toml``. ``### BEGIN/END HIDDEN TESTS`` blocks are
dropped. The grammar is parsed by gradekit.course.markers. The committed ``assignments/`` must equal what this produces (a test checks it).
"""

from __future__ import annotations

import sys
from pathlib import Path

from gradekit.course import markers
from gradekit.course.locate import find_course_root
from gradekit.course.markers import MarkerError
from gradekit.course.questions import Question, TaskTableError, load_question, question_folders

# One error for every problem a solution file's markers can have, wherever they are read.
StubError = MarkerError


def make_stub(source: str, question: Question, filename: str) -> str:
    """The student's version of one solution file."""
    lines = source.splitlines(keepends=True)
    out: list[str] = []
    i = 0
    for block in markers.parse(lines, filename):
        out += lines[i : block.begin]
        i = block.end + 1
        if block.kind == markers.HIDDEN:
            continue
        task_id, names = markers.block_owner(lines, block, question, filename)
        label = ".".join(names[-2:]) if len(names) > 1 else names[-1]  # 'conv2d' or 'LeNet5.forward'
        out.append(f'{block.indent}raise NotImplementedError("{task_id} not implemented yet: {label}")\n')
    out += lines[i:]
    return "".join(out)


def solution_files(solutions: Path, question: str) -> list[Path]:
    """The module files of a solution question: top-level .py files that are not tests."""
    folder = solutions / question
    return sorted(p for p in folder.glob("*.py") if not p.name.startswith(("test_", "conftest")))


def generate(course_root: Path, questions: list[str] | None = None) -> dict[Path, str]:
    """Map each stub path under assignments/ to the text it should have."""
    solutions = course_root / "solutions"
    assignments = course_root / "assignments"
    if not solutions.is_dir():
        raise StubError(f"{solutions} does not exist: stubs are generated from the reference solutions")
    wanted = questions or [q.name for q in question_folders(solutions)]
    result: dict[Path, str] = {}
    for qid in wanted:
        if not (solutions / qid).is_dir():
            raise StubError(f"solutions/{qid} does not exist")
        question = load_question(assignments / qid)
        for path in solution_files(solutions, qid):
            rel = f"solutions/{qid}/{path.name}"
            result[assignments / qid / path.name] = make_stub(path.read_text(encoding="utf-8"), question, rel)
    return result


def stale(course_root: Path, questions: list[str] | None = None) -> list[str]:
    """Stub files whose committed text differs from the generated text, or that have no solution."""
    expected = generate(course_root, questions)
    problems = []
    for path, text in expected.items():
        rel = path.relative_to(course_root)
        if not path.is_file():
            problems.append(f"{rel}: missing (run `gradekit stubs`)")
        elif path.read_text(encoding="utf-8") != text:
            problems.append(f"{rel}: differs from the stub generated from solutions (run `gradekit stubs`)")
    qids = questions or sorted({p.parent.name for p in expected})
    for qid in qids:
        for path in solution_files(course_root / "assignments", qid):
            if path not in expected:
                problems.append(f"{path.relative_to(course_root)}: has no solutions/{qid}/{path.name}")
    return problems


def main(questions: list[str] | None = None, check: bool = False) -> int:
    root = find_course_root()
    try:
        if check:
            problems = stale(root, questions)
            for p in problems:
                print(p)
            print("stubs are up to date" if not problems else f"{len(problems)} stub file(s) out of date")
            return 1 if problems else 0
        for path, text in generate(root, questions).items():
            if not path.is_file() or path.read_text(encoding="utf-8") != text:
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_text(text, encoding="utf-8")
                print(f"wrote {path.relative_to(root)}")
    except (StubError, TaskTableError) as exc:
        print(f"gradekit stubs: {exc}", file=sys.stderr)
        return 2
    return 0
