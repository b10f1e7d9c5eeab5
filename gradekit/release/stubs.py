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
dropped. The committed ``assignments/`` must equal what this produces (a test checks it).
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

from gradekit.course.locate import find_course_root
from gradekit.course.questions import Question, TaskTableError, load_question, question_folders

BEGIN = re.compile(r"^(\s*)### BEGIN SOLUTION\s*$")
END = re.compile(r"^\s*### END SOLUTION\s*$")
BEGIN_HIDDEN = re.compile(r"^\s*### BEGIN HIDDEN TESTS\s*$")
END_HIDDEN = re.compile(r"^\s*### END HIDDEN TESTS\s*$")
DEF = re.compile(r"^(\s*)(?:async\s+)?(def|class)\s+([A-Za-z_]\w*)")


class StubError(ValueError):
    """Solution markers that cannot be turned into a stub; the message gives file and line."""


def enclosing_names(lines: list[str], index: int, indent: int) -> list[str]:
    """Names of the defs/classes enclosing line ``index`` (outermost first)."""
    names: list[str] = []
    limit = indent
    for line in reversed(lines[:index]):
        m = DEF.match(line)
        if m and len(m.group(1)) < limit:
            names.insert(0, m.group(3))
            limit = len(m.group(1))
            if limit == 0:
                break
    return names


def task_for_names(question: Question, names: list[str]) -> str | None:
    """The task whose functions list names this block's function, method ('Cls.meth') or class."""
    candidates = []
    if names:
        candidates += [".".join(names[i:]) for i in range(len(names))]  # 'Net.forward', then 'forward'
        candidates += [".".join(names[: i + 1]) for i in range(len(names) - 1)]  # the class 'Net'
    for name in candidates:
        task = question.task_for_function(name)
        if task is not None:
            return task.id
    return None


def make_stub(source: str, question: Question, filename: str) -> str:
    """The student's version of one solution file."""
    lines = source.splitlines(keepends=True)
    out: list[str] = []
    i = 0
    while i < len(lines):
        line = lines[i]
        if BEGIN_HIDDEN.match(line):
            j = i + 1
            while j < len(lines) and not END_HIDDEN.match(lines[j]):
                j += 1
            if j == len(lines):
                raise StubError(f"{filename}:{i + 1}: BEGIN HIDDEN TESTS without END HIDDEN TESTS")
            i = j + 1
            continue
        m = BEGIN.match(line)
        if m is None:
            if END.match(line):
                raise StubError(f"{filename}:{i + 1}: END SOLUTION without BEGIN SOLUTION")
            out.append(line)
            i += 1
            continue
        indent = m.group(1)
        j = i + 1
        while j < len(lines) and not END.match(lines[j]):
            if BEGIN.match(lines[j]):
                raise StubError(f"{filename}:{j + 1}: BEGIN SOLUTION inside another solution block")
            j += 1
        if j == len(lines):
            raise StubError(f"{filename}:{i + 1}: BEGIN SOLUTION without END SOLUTION")
        names = enclosing_names(lines, i, len(indent))
        if not names or not indent:
            raise StubError(f"{filename}:{i + 1}: a solution block must sit inside a function or method")
        task_id = task_for_names(question, names)
        if task_id is None:
            qualname = ".".join(names)
            raise StubError(
                f"{filename}:{i + 1}: `{qualname}` is in no task's `functions` list in "
                f"assignments/{question.id}/tasks.toml"
            )
        label = ".".join(names[-2:]) if len(names) > 1 else names[-1]  # 'conv2d' or 'LeNet5.forward'
        out.append(f'{indent}raise NotImplementedError("{task_id} not implemented yet: {label}")\n')
        i = j + 1
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
