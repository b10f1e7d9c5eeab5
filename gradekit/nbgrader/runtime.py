"""What runs inside a question's nbgrader notebook: save the student's code, grade one task.

Every code cell of the notebook starts with ``%%writefile my_code/<module>.part<N>.py``: running
it saves that piece of the module ``<module>.py``. A test cell calls :func:`grade_task`, which joins
the saved pieces in order into ``q1/<module>.py`` in a temporary folder and runs the question's own
pytest tests of that task on it, in a fresh Python process, exactly as ``pytest assignments/q1
--task q1.3 --against FOLDER`` would. It prints what happened and returns the points earned, which
nbgrader takes as the cell's (partial) credit.

On the instructor's side (``nbgrader autograde``, the source notebook) the test cells pass
``hidden=True``: the run then also includes the hidden tests, from the ``instructor/`` folder of
the nbgrader course, and the points equal those of ``pytest assignments/q1 --with-hidden``.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import re
import signal
import subprocess
import sys
import tempfile
import warnings
from dataclasses import dataclass
from pathlib import Path

PARTS_DIR = "my_code"  # beside the notebook, released with a README so that it always exists
PART_GLOB = "*.part[0-9]*.py"  # nbgrader never copies parts (see nbgrader_course.py)
TESTS_DIR = "tests"  # beside the notebook: pytest.ini and <question>/ with tasks.toml and visible tests
INSTRUCTOR_DIR = "instructor"  # in the course root: a course repository with solutions and hidden tests
PART_RE = re.compile(r"^(?P<module>[A-Za-z_]\w*)\.part(?P<index>\d+)\.py$")
DEFAULT_TIMEOUT = 570.0  # seconds; nbgrader's cell timeout (600) stays the outer limit
ENV_TIMEOUT = "GRADEKIT_NOTEBOOK_TIMEOUT"
PART_SEPARATOR = "\n\n\n"


@dataclass(frozen=True)
class Part:
    """One saved cell: ``my_code/conv.part3.py`` is part 3 of conv.py."""

    module: str
    index: int
    path: Path


@dataclass
class Assembly:
    """The modules written from the parts, and where each part's lines landed (for messages)."""

    folder: Path
    problems: list[str]
    lines: dict[str, list[tuple[int, Part]]]  # module -> [(first line in the module, part)]

    def cell_line(self, module: str, line: int) -> str:
        """'line 12 of the cell my_code/conv.part3.py' for line ``line`` of the assembled module."""
        for first, part in reversed(self.lines.get(module, [])):
            if line >= first:
                # +1: the cell's own first line is the %%writefile line
                return f"line {line - first + 2} of the cell {PARTS_DIR}/{part.path.name}"
        return ""


def part_name(module: str, index: int) -> str:
    return f"{PARTS_DIR}/{module}.part{index}.py"


def start_fresh(folder: str | Path = ".") -> None:
    """Forget code saved by earlier runs, so that "Run All" grades exactly what the notebook holds."""
    parts_dir = Path(folder) / PARTS_DIR
    parts_dir.mkdir(exist_ok=True)
    for path in parts_dir.glob(PART_GLOB):
        path.unlink()
    print(f"cleared {PARTS_DIR}/: the cells below save your code there when they run")


def saved_parts(folder: str | Path = ".") -> dict[str, list[Part]]:
    """The parts saved so far, per module, in order."""
    found: dict[str, list[Part]] = {}
    parts_dir = Path(folder) / PARTS_DIR
    for path in sorted(parts_dir.glob(PART_GLOB)) if parts_dir.is_dir() else []:
        m = PART_RE.match(path.name)
        if m:
            found.setdefault(m.group("module"), []).append(Part(m.group("module"), int(m.group("index")), path))
    return {module: sorted(parts, key=lambda p: p.index) for module, parts in sorted(found.items())}


def assemble(question: str, out: Path, folder: str | Path = ".") -> Assembly:
    """Write ``out/<question>/<module>.py`` from the saved parts.

    A part that does not compile is left out (and reported), so a broken cell costs only the tasks
    whose code is in it, not every task of the module.
    """
    target = Path(out) / question
    target.mkdir(parents=True, exist_ok=True)
    problems: list[str] = []
    lines: dict[str, list[tuple[int, Part]]] = {}
    for module, parts in saved_parts(folder).items():
        texts, line = [], 1
        for part in parts:
            text = part.path.read_text(encoding="utf-8").strip("\n")
            try:
                compile(text, str(part.path), "exec")
            except SyntaxError as exc:
                problems.append(
                    f"the cell {PARTS_DIR}/{part.path.name} was left out: {exc.msg} on its line {(exc.lineno or 0) + 1}"
                )
                continue
            lines.setdefault(module, []).append((line, part))
            texts.append(text)
            line += text.count("\n") + PART_SEPARATOR.count("\n")
        (target / f"{module}.py").write_text(PART_SEPARATOR.join(texts) + "\n", encoding="utf-8")
    return Assembly(Path(out), problems, lines)


def find_instructor_folder(question: str, start: str | Path = ".") -> Path:
    """The ``instructor/`` folder of the nbgrader course above ``start`` that holds ``question``."""
    start = Path(start).resolve()
    for folder in (start, *start.parents):
        candidate = folder / INSTRUCTOR_DIR
        if (folder / "nbgrader_config.py").is_file() and (candidate / "solutions" / question).is_dir():
            return candidate
    raise FileNotFoundError(
        f"the hidden tests of {question} are not here: they live in the nbgrader course's "
        f"{INSTRUCTOR_DIR}/ folder, above {start}; grade inside the course (nbgrader autograde does)"
    )


def _pytest_command(
    question: str, task_id: str, against: Path, report: Path, hidden: bool, folder: Path
) -> tuple[list[str], Path]:
    """The harness's command line for one task, and the folder to run it in.

    Only the test files that mark the task are given to pytest (with ``--task`` still selecting its
    tests): collecting the others would import what they need (torch, the kernels) for nothing.
    Visible files come before hidden ones, as with ``--with-hidden``.
    """
    from gradekit.nbgrader.cells import test_files_of_task

    if hidden:
        root = find_instructor_folder(question, folder)
        files = sorted((root / "assignments" / question).glob("test_*.py"))
        files += sorted((root / "solutions" / question / "hidden").glob("test_*.py"))
    else:
        root = (folder / TESTS_DIR).resolve()
        files = sorted((root / question).glob("test_*.py"))
    selected = [str(p.relative_to(root)) for p in test_files_of_task(task_id, files)]
    return [
        sys.executable,
        "-m",
        "pytest",
        *selected,
        "--task",
        task_id,
        "--against",
        str(against),
        "--gradekit-json",
        str(report),
        "-c",
        "pytest.ini",
        "--rootdir",
        ".",
        "-q",
        "--no-header",
        "--no-scoreboard",
        "--color=no",
        "-p",
        "no:cacheprovider",
        # hypothesis's pytest plugin costs seconds to import and only adds reporting; a test
        # that uses hypothesis still imports it (and @given still works) without the plugin.
        "-p",
        "no:hypothesispytest",
    ], root


def _run(command: list[str], cwd: Path, timeout: float) -> subprocess.CompletedProcess | None:
    """Run the grading process in its own session; None if it ran out of time (it is killed)."""
    # Agg: the kernel's inline matplotlib backend does not exist outside IPython.
    env = dict(os.environ, PYTHONDONTWRITEBYTECODE="1", MPLBACKEND="Agg")
    proc = subprocess.Popen(
        command, cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True
    )
    try:
        out, err = proc.communicate(timeout=timeout)
    except BaseException:  # a timeout here, or nbgrader interrupting the cell: stop the whole run
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)
        proc.communicate()
        if sys.exc_info()[0] is subprocess.TimeoutExpired:
            return None
        raise
    return subprocess.CompletedProcess(command, proc.returncode, out, err)


def _in_notebook_terms(message: str, assembly: Assembly) -> str:
    """The harness speaks of files; point the student at the notebook's cells instead."""

    def where(m: re.Match) -> str:
        cell = assembly.cell_line(m.group(1), int(m.group(2)))
        return f"({m.group(1)}.py, line {m.group(2)}: {cell})" if cell else m.group(0)

    message = re.sub(r"\((\w+)\.py, line (\d+)\)", where, message)
    return re.sub(
        r"q\d+/(\w+)\.py is missing from the submission \([^)]*\)",
        rf"no cell of \1.py has run yet (they start with %%writefile {PARTS_DIR}/\1.part)",
        message,
    )


def _task_entry(report: Path, task_id: str) -> dict | None:
    if not report.is_file():
        return None
    return next((t for t in json.loads(report.read_text())["tests"] if t["number"] == task_id), None)


def _visible_failed(stdout: str, question: str) -> bool:
    """Did a visible test (not one under hidden/) fail? Read from pytest's short summary lines."""
    return any(re.match(rf"^(FAILED|ERROR) assignments/{question}/", line) for line in stdout.splitlines())


def grade_task(task_id: str, hidden: bool = False, timeout: float | None = None, folder: str | Path = ".") -> float:
    """Grade one task on the code the notebook's cells saved; print the outcome, return the points.

    Inputs:
    - task_id: 'q1.3'
    - hidden: also run the hidden tests (the instructor's side: autograde, the source notebook)
    - timeout: seconds for the whole run (default $GRADEKIT_NOTEBOOK_TIMEOUT or 570)
    - folder: the notebook's folder (the kernel's working directory)

    Returns:
    - float: points earned, between 0 and the task's points (nbgrader's partial credit)
    """
    question = task_id.split(".")[0]
    folder = Path(folder)
    limit = float(timeout or os.environ.get(ENV_TIMEOUT) or DEFAULT_TIMEOUT)
    # Nothing may reach stderr: nbgrader gives 0 to a test cell with any stderr output.
    with contextlib.redirect_stderr(io.StringIO()), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with tempfile.TemporaryDirectory(prefix="gradekit-") as tmp:
            tmp = Path(tmp)
            assembly = assemble(question, tmp / "submission", folder)
            report = tmp / "results.json"
            command, cwd = _pytest_command(question, task_id, tmp / "submission", report, hidden, folder)
            done = _run(command, cwd, limit)
            entry = _task_entry(report, task_id)
    for problem in assembly.problems:
        print(problem)
    if done is None:
        print(f"{task_id}: 0 points, the tests ran out of time ({limit:g} s): an infinite loop, or far too slow?")
        return 0.0
    if entry is None:
        detail = "" if hidden else "\n" + (done.stdout + done.stderr)[-2000:]
        raise RuntimeError(f"{task_id} could not be graded (pytest exit code {done.returncode}){detail}")
    points, earned = float(entry["max_score"]), float(entry["score"])
    print(f"{entry['name']}: {earned:.4g}/{points:g} points")
    note = entry.get("output") or ""
    # The first problem of the task is a hidden test's only when no visible test failed (visible
    # tests are collected first); a hidden test's message is never shown: it may reveal its checks.
    if earned < points and hidden and not _visible_failed(done.stdout, question):
        note = "a hidden test failed (its details are not shown)"
    if note and note != "passed":
        print("  " + _in_notebook_terms(note, assembly))
    return round(min(max(earned, 0.0), points), 4)


def load_module(name: str, folder: str | Path = "."):
    """The student's module ``name`` ('q1.conv') built from the saved cells, to try it out by hand."""
    from gradekit.harness import importer

    question = name.split(".")[0]
    out = Path(tempfile.mkdtemp(prefix="gradekit-try-"))
    for problem in assemble(question, out, folder).problems:
        print(problem)
    return importer.load_module(name, folder=out)
