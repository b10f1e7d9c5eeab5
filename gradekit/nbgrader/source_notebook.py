"""The nbgrader source notebook of a question, generated from solutions/qN, its tests and README.

Cells, in order: the question's text (README) with its task table; a cell that clears code saved by
earlier runs; per module, its code cells (given code read-only, one solution cell per task, with
the solution between ``### BEGIN SOLUTION`` markers that nbgrader turns into the student's stub)
followed by the test cells of the tasks that module completes; then the written prompts, each with
a manually graded answer cell holding the model answer and its rubric (from ANSWERS.md) inside
solution markers, so that only the instructor's notebook has them.

Test cells carry the task's points from tasks.toml and call the same tests the pytest harness runs;
their ``### BEGIN HIDDEN TESTS`` section switches the hidden tests on where autograde runs.
Everything here is deterministic: the same sources give the same bytes.
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

import nbformat

from gradekit.course.questions import Question, Task, Written, load_question
from gradekit.nbgrader.cells import Chunk, Module, load_modules, place_tests
from gradekit.nbgrader.runtime import PARTS_DIR, part_name

NBGRADER_MARKERS = (
    "BEGIN SOLUTION",
    "END SOLUTION",
    "BEGIN HIDDEN TESTS",
    "END HIDDEN TESTS",
    "BEGIN MARK SCHEME",
    "END MARK SCHEME",
)
FORBID_WORDS = {
    "@convolution": "convolution routines (torch, scipy, numpy)",
    "@pooling": "pooling routines (torch, scipy, skimage)",
    "@normalization": "normalization routines of torch",
    "@edges": "ready-made edge filters (skimage, scipy)",
    "@gradekit": "gradekit.ops",
}
KERNELSPEC = {"name": "python3", "display_name": "Python 3 (ipykernel)", "language": "python"}
MAX_ID = 64
HEADING_RE = re.compile(r"^(#{1,6})\s+(.*)$")


class NotebookSourceError(ValueError):
    """A question that cannot become a notebook yet; the message names the file and what is missing."""


def _nbgrader(grade_id: str, *, grade=False, solution=False, locked=False, points=None) -> dict:
    meta = {
        "grade": grade,
        "grade_id": grade_id,
        "locked": locked,
        "schema_version": 3,
        "solution": solution,
        "task": False,
    }
    if points is not None:
        meta["points"] = points
    return {"nbgrader": meta}


def _markdown(cell_id: str, text: str, **meta):
    return nbformat.v4.new_markdown_cell(text.strip("\n"), id=cell_id, metadata=meta)


def _code(cell_id: str, text: str, **meta):
    return nbformat.v4.new_code_cell(text.strip("\n"), id=cell_id, metadata=meta)


def _points(x: float) -> int | float:
    return int(x) if float(x).is_integer() else float(x)


def _sections(markdown: str) -> list[tuple[str, str]]:
    """(heading, text) per '## ' section; the text before the first is under heading ''."""
    out: list[tuple[str, list[str]]] = [("", [])]
    for line in markdown.splitlines():
        if line.startswith("## "):
            out.append((line[3:].strip(), [line]))
        else:
            out[-1][1].append(line)
    return [(h, "\n".join(body).strip("\n")) for h, body in out]


def readme_text(question: Question) -> str:
    """The README without what the notebook replaces: its title, how to run pytest, the task table
    (the notebook shows its own) and the written prompts (each sits beside its answer cell)."""
    path = question.path / "README.md"
    if not path.is_file():
        raise NotebookSourceError(f"assignments/{question.id}/README.md is missing: the notebook shows its text")
    kept = []
    for heading, text in _sections(path.read_text(encoding="utf-8")):
        lower = heading.lower()
        if heading == "":
            text = "\n".join(ln for ln in text.splitlines() if not ln.startswith("# ")).strip("\n")
        elif "how to run" in lower or "written" in lower or "| id |" in text:
            continue
        if text:
            kept.append(text)
    return "\n\n".join(kept)


def model_answer(question: Question, course_root: Path, written: Written) -> str:
    """The ANSWERS.md section whose heading names the prompt's id: model answer and rubric."""
    path = Path(course_root) / "solutions" / question.id / "ANSWERS.md"
    if not path.is_file():
        raise NotebookSourceError(f"solutions/{question.id}/ANSWERS.md is missing: it holds the model answers")
    lines = path.read_text(encoding="utf-8").splitlines()
    token = re.compile(rf"(?<![\w.]){re.escape(written.id)}(?![\w])")
    for i, line in enumerate(lines):
        m = HEADING_RE.match(line)
        if m and token.search(m.group(2)):
            level, body = len(m.group(1)), []
            for nxt in lines[i + 1 :]:
                h = HEADING_RE.match(nxt)
                if h and len(h.group(1)) <= level:
                    break
                body.append(nxt)
            text = "\n".join(body).strip("\n")
            if text:
                return text
    raise NotebookSourceError(
        f"solutions/{question.id}/ANSWERS.md has no section for {written.id} "
        "(a heading that names it, then the model answer and rubric)"
    )


def _task_table(question: Question) -> str:
    rows = ["| id | task | points | graded |", "|---|---|---|---|"]
    for t in question.tasks:
        how = f"auto, speed target {t.speed.target:g}x {t.speed.reference}" if t.speed else "auto"
        rows.append(f"| {t.id} | {t.title} | {_points(t.points)} | {how} |")
    rows += [f"| {w.id} | {w.title} | {_points(w.points)} | written, by hand |" for w in question.written]
    return "\n".join(rows)


def _intro(question: Question) -> str:
    return f"""# {question.id}: {question.title}

{_task_table(question)}

**How this notebook works.** Each code cell starts with `%%writefile {PARTS_DIR}/<module>.part<n>.py`:
running it saves that part of the module `<module>.py` (keep that first line). Write your code
where it says `YOUR CODE HERE`, then run the cell. Read-only cells hold code you are given.
A test cell runs the tests of one task on the code saved so far (the same tests as
`pytest assignments/{question.id} --task {question.tasks[0].id}`) and shows the points it earned;
when your notebook is graded, hidden tests run as well. Before you submit, restart the kernel and
run all cells: grading runs the notebook from top to bottom in a fresh kernel. To try a function
yourself: `from gradekit.nbgrader.runtime import load_module; m = load_module("{question.id}.<module>")`.
Written answers are graded by hand."""


def _task_markdown(task: Task, module: str | None) -> str:
    text = f"### {task.id} {task.title} ({_points(task.points)} points)\n\n"
    if task.functions:
        names = ", ".join(f"`{f}`" for f in task.functions)
        text += f"Write {names}" + (f" in `{module}.py`." if module else ".")
    else:
        text += "No new code: the tests below use the functions you wrote above."
    if task.forbid:
        words = ", ".join(FORBID_WORDS.get(f, f"`{f}`") for f in task.forbid)
        text += f"\n\nImplement it yourself: calling {words} fails the task."
    if task.speed:
        s = task.speed
        text += (
            f"\n\nSpeed target: full points at {s.target:g}x the speed of `{s.reference}` or faster, "
            f"none at {s.floor:g}x or slower, in between on a log scale."
        )
    return text


def _short_id(name: str) -> str:
    """Cell ids are at most 64 characters (nbformat); a longer one keeps a stable hash of the rest."""
    if len(name) <= MAX_ID:
        return name
    return f"{name[: MAX_ID - 9]}_{hashlib.sha1(name.encode()).hexdigest()[:8]}"


def _chunk_cell(chunk: Chunk):
    text = f"%%writefile {part_name(chunk.module, chunk.index)}\n{chunk.text}"
    if chunk.is_solution:
        first = chunk.names[0] if chunk.names else chunk.index
        grade_id = _short_id(f"{chunk.tasks[0].replace('.', '_')}_{chunk.module}_{first}")
        return _code(grade_id, text, **_nbgrader(grade_id, solution=True))
    # Read-only in Jupyter but no nbgrader cell: nbgrader restores a deleted test cell after the
    # solution or test cell before it, and would fail if a locked given cell came in between.
    return _code(f"given_{chunk.module}_{chunk.index:02d}", text, editable=False, deletable=False)


def _test_cell(task: Task):
    grade_id = f"{task.id.replace('.', '_')}_tests"
    text = f'''# Tests of {task.id} "{task.title}" ({_points(task.points)} points).
# The number shown below is the points earned.
from gradekit.nbgrader.runtime import grade_task

hidden_tests = False
### BEGIN HIDDEN TESTS
hidden_tests = True
### END HIDDEN TESTS
grade_task("{task.id}", hidden=hidden_tests)'''
    return _code(grade_id, text, **_nbgrader(grade_id, grade=True, locked=True, points=_points(task.points)))


def _written_cells(question: Question, course_root: Path) -> list:
    if not question.written:
        return []
    cells = [_markdown(f"{question.id}_written", "## Written answers\n\nGraded by hand.")]
    for w in question.written:
        wid = w.id.replace(".", "_")
        cells.append(_markdown(f"{wid}_prompt", f"### {w.id} {w.title} ({_points(w.points)} points)\n\n{w.prompt}"))
        answer = f"### BEGIN SOLUTION\n{model_answer(question, course_root, w)}\n### END SOLUTION"
        grade_id = f"{wid}_answer"
        cells.append(
            _markdown(grade_id, answer, **_nbgrader(grade_id, grade=True, solution=True, points=_points(w.points)))
        )
    return cells


def _module_cells(module: Module, question: Question, after: list[str], introduced: set[str]) -> list:
    cells = [_markdown(f"{module.name}_module", f"## `{module.name}.py`")]
    for chunk in module.chunks:
        for tid in chunk.tasks:
            if tid not in introduced:
                introduced.add(tid)
                text = _task_markdown(question.task(tid), module.name)
                cells.append(_markdown(f"{tid.replace('.', '_')}_task", text))
        cells.append(_chunk_cell(chunk))
    for tid in after:
        if tid not in introduced:  # a task with no code of its own (a speed target)
            introduced.add(tid)
            cells.append(_markdown(f"{tid.replace('.', '_')}_task", _task_markdown(question.task(tid), None)))
        cells.append(_test_cell(question.task(tid)))
    return cells


def check_markers(nb) -> None:
    """nbgrader looks for its markers anywhere in a line: only solution and test cells may hold them."""
    for cell in nb.cells:
        meta = cell.metadata.get("nbgrader", {})
        if meta.get("solution") or meta.get("grade"):
            continue
        for marker in NBGRADER_MARKERS:
            if marker in cell.source:
                raise NotebookSourceError(
                    f"cell {cell.id} mentions {marker!r} outside a solution or test "
                    "cell: nbgrader would take it for a marker"
                )


def check_test_anchors(nb) -> None:
    """Each test cell must follow a solution or test cell with no code cell in between: that is
    where nbgrader puts a deleted test cell back, and it must run after the same code as before."""
    previous = None
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        meta = cell.metadata.get("nbgrader", {})
        if meta.get("grade") and (previous is None or not (previous.get("grade") or previous.get("solution"))):
            raise NotebookSourceError(
                f"test cell {meta['grade_id']} follows given code, not a solution or test "
                "cell: nbgrader would restore it in another place if a student deleted it"
            )
        previous = meta


def build(course_root: Path, question_id: str):
    """The source notebook (nbformat v4) of ``question_id``, with solutions and hidden-test switches."""
    course_root = Path(course_root)
    question = load_question(course_root / "assignments" / question_id)
    modules = load_modules(course_root, question)
    if not modules:
        raise NotebookSourceError(f"solutions/{question_id} has no modules")
    tests = sorted((course_root / "assignments" / question_id).glob("test_*.py"))
    tests += sorted((course_root / "solutions" / question_id / "hidden").glob("test_*.py"))
    placement = place_tests(modules, question, tests)
    cells = [_markdown(f"{question_id}_intro", _intro(question))]
    text = readme_text(question)
    if text:
        cells.append(_markdown(f"{question_id}_readme", text))
    cells.append(_code(f"{question_id}_start", "from gradekit.nbgrader.runtime import start_fresh\n\nstart_fresh()"))
    introduced: set[str] = set()
    for module in modules:
        cells += _module_cells(module, question, placement[module.name], introduced)
    cells += _written_cells(question, course_root)
    nb = nbformat.v4.new_notebook(
        cells=cells, metadata={"kernelspec": dict(KERNELSPEC), "language_info": {"name": "python"}}
    )
    nbformat.validate(nb)
    check_markers(nb)
    check_test_anchors(nb)
    return nb


def write(nb, path: Path) -> None:
    """Write a notebook byte-for-byte reproducibly (sorted keys, one space indent, final newline)."""
    text = nbformat.writes(nb, version=4)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text if text.endswith("\n") else text + "\n", encoding="utf-8")
