"""``gradekit check``: a course that cannot drift between its sources before it ships.

Every fact about a question is written once, in ``assignments/qN/tasks.toml``; the READMEs, the
stubs and the tests repeat parts of it, and a change to one is easy to leave out of the others
(tried: a task's points changed, every test passed, and the release shipped the old table). This
module lists each place that disagrees. ``gradekit release`` and ``gradekit nbgrader`` refuse a
course that has any, with the same list.

Checked: every task table parses (ids, points totalling 100); the committed stubs equal what the
solutions generate; each question's README table and the top-level README's question table agree
with the task tables; the number of questions the course README and the student README template
write out ("Ten questions take ...") is the number there are; every task has a visible test and a
hidden test (a speed task draws fresh inputs at each grading and needs none; any other task without
hidden tests says why, with ``no_hidden_tests = "..."`` in its table); every name a task forbids
names something on this machine.

Every question's auto-graded tasks total 100, an extra-credit one (``extra_credit = true``, q10)
too: what makes it extra is that the total keeps it apart ("900/900, plus 100/100 extra credit
(q10)"), not a different sum, and it counts among the questions the READMEs number.
"""

from __future__ import annotations

import ast
import re
import sys
from pathlib import Path

from gradekit.course.locate import find_course_root
from gradekit.course.questions import Question, TaskTableError, parse_task_table, question_folders
from gradekit.harness import guard
from gradekit.release import stubs

_ROW_ID = re.compile(r"^q\d+\.w?\d+$")


class CourseCheckError(ValueError):
    """The course disagrees with itself; the message lists every problem."""


def table_rows(readme: Path, id_pattern: re.Pattern) -> dict[str, list[str]]:
    """The cells of every markdown table row whose first cell matches ``id_pattern``."""
    rows = {}
    for line in readme.read_text(encoding="utf-8").splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if line.strip().startswith("|") and cells and id_pattern.match(cells[0]):
            rows[cells[0]] = cells
    return rows


def readme_problems(question: Question) -> list[str]:
    """Where assignments/qN/README.md's task table differs from tasks.toml."""
    readme = question.path / "README.md"
    if not readme.is_file():
        return [f"assignments/{question.id}/README.md: missing"]
    rows = table_rows(readme, _ROW_ID)
    where = f"assignments/{question.id}/README.md"
    expected = [(t.id, t.title, t.points, "auto") for t in question.tasks]
    expected += [(w.id, w.title, w.points, "written") for w in question.written]
    problems = []
    for tid, title, points, kind in expected:
        row = rows.get(tid)
        if row is None:
            problems.append(f"{where}: no table row for {tid}")
            continue
        if len(row) < 4:
            problems.append(f"{where}: the row of {tid} needs 4 cells (id | task | points | graded)")
            continue
        if row[1] != title:
            problems.append(f"{where}: {tid} is titled {row[1]!r}, tasks.toml says {title!r}")
        if _number(row[2]) != points:
            problems.append(f"{where}: {tid} has {row[2]} points, tasks.toml says {points:g}")
        if not row[3].startswith(kind):
            problems.append(f"{where}: {tid} is graded {row[3]!r}, tasks.toml makes it {kind}")
    extra = sorted(set(rows) - {e[0] for e in expected})
    if extra:
        problems.append(f"{where}: lists {', '.join(extra)}, which tasks.toml does not have")
    return problems


def _number(text: str) -> float | None:
    try:
        return float(text.replace(",", ""))
    except ValueError:
        return None


def top_readme_problems(root: Path, questions: list[Question]) -> list[str]:
    """Where the course README's question table (``| qN | title | ... |``) misses or misnames a question."""
    readme = root / "README.md"
    if not readme.is_file():
        return []
    rows = table_rows(readme, re.compile(r"^q\d+$"))
    if not rows:
        return []  # a course README without a question table: nothing to keep in step
    problems = []
    for q in questions:
        row = rows.get(q.id)
        if row is None:
            problems.append(f"README.md: the question table has no row for {q.id}")
        elif row[1] != q.title:
            problems.append(f"README.md: {q.id} is titled {row[1]!r}, its tasks.toml says {q.title!r}")
    extra = sorted(set(rows) - {q.id for q in questions})
    if extra:
        problems.append(f"README.md: the question table lists {', '.join(extra)}, which do not exist")
    return problems


# The kit's README template that `gradekit release` ships as the student repository's README.md.
STUDENT_README = Path("gradekit") / "release" / "templates" / "student_README.md"
NUMBER_WORDS = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
                "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen",
                "nineteen", "twenty"]  # fmt: skip
# "Ten questions", also wrapped over two lines; "the written questions" names no number and is left alone.
_COUNTED = re.compile(r"\b(" + "|".join(NUMBER_WORDS) + r"|\d+)\s+questions\b", re.IGNORECASE)


def count_problems(root: Path) -> list[str]:
    """Where the course README or the student README template numbers the questions wrongly.

    The template is read from the course's own copy of the kit (the release copies that gradekit/
    folder); a course without one has no template of its own to keep in step.
    """
    ids = [folder.name for folder in question_folders(root / "assignments")]  # a broken table still counts
    problems = []
    for relative in (Path("README.md"), STUDENT_README):
        path = root / relative
        if not path.is_file():
            continue
        text = path.read_text(encoding="utf-8")
        for match in _COUNTED.finditer(text):
            word = match.group(1).lower()
            said = int(word) if word.isdigit() else NUMBER_WORDS.index(word)
            if said != len(ids):
                line = text.count("\n", 0, match.start()) + 1
                problems.append(
                    f"{relative.as_posix()}:{line}: says {' '.join(match.group(0).split())!r}, the course has "
                    f"{len(ids)} questions ({', '.join(ids)})"
                )
    return problems


def task_ids_tested(files) -> set[str]:
    """Task ids named by ``@pytest.mark.task("qN.k")`` (or ``pytestmark = ...``) in these test files."""
    found = set()
    for path in files:
        try:
            tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        except SyntaxError:
            continue  # pytest reports it when the tests run; here it simply tests nothing
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr == "task"
                and node.args
                and isinstance(node.args[0], ast.Constant)
                and isinstance(node.args[0].value, str)
            ):
                found.add(node.args[0].value)
    return found


def coverage_problems(root: Path, question: Question) -> list[str]:
    """Tasks without a visible test, or without a hidden test and no reason given."""
    visible = task_ids_tested(sorted(question.path.glob("test_*.py")))
    hidden = task_ids_tested(sorted((root / "solutions" / question.id / "hidden").glob("test_*.py")))
    problems = []
    for task in question.tasks:
        if task.id not in visible:
            problems.append(f"{task.id}: no visible test (assignments/{question.id}/test_*.py)")
        if task.id not in hidden and task.speed is None and not task.no_hidden_tests:
            problems.append(
                f"{task.id}: no hidden test (solutions/{question.id}/hidden/test_*.py); add one, or say why "
                f'in its table: no_hidden_tests = "..."'
            )
    return problems


def forbid_problems(question: Question) -> list[str]:
    problems = []
    for task in question.tasks:
        try:
            missing = guard.unresolved(task.forbid)
        except KeyError as exc:
            problems.append(f"{task.id}: {exc.args[0]}")
            continue
        if missing:
            problems.append(f"{task.id}: forbids {', '.join(missing)}, which name nothing here (a typo?)")
    return problems


def problems(root: Path) -> list[str]:
    """Every disagreement in the course at ``root``, as lines a person can act on."""
    found: list[str] = []
    questions = []
    for folder in question_folders(root / "assignments"):
        try:
            questions.append(parse_task_table(folder / "tasks.toml"))
        except (TaskTableError, OSError) as exc:
            found.append(str(exc))
    try:
        found += stubs.stale(root, [q.id for q in questions] or None)
    except (TaskTableError, stubs.StubError) as exc:
        found.append(str(exc))
    for q in questions:
        found += readme_problems(q) + coverage_problems(root, q) + forbid_problems(q)
    return found + top_readme_problems(root, questions) + count_problems(root)


def require_consistent(root: Path, doing: str) -> None:
    """Raise CourseCheckError listing every problem, so ``doing`` (a release) ships nothing stale."""
    found = problems(root)
    if found:
        listed = "\n".join(f"  - {p}" for p in found)
        raise CourseCheckError(f"{doing} refused: the course disagrees with itself (`gradekit check`):\n{listed}")


def main() -> int:
    root = find_course_root()
    found = problems(root)
    for p in found:
        print(f"  - {p}")
    if found:
        print(f"gradekit check: {len(found)} problem(s) in {root}", file=sys.stderr)
        return 1
    count = len(question_folders(root / "assignments"))
    print(f"gradekit check: the course in {root} agrees with itself ({count} question{'s' if count != 1 else ''})")
    return 0
