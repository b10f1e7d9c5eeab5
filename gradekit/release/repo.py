"""``gradekit release OUT``: the repository students get — stubs, visible tests, the kit — and nothing else.

Left out: solutions/ (with the hidden tests and model answers), the framework's own tests/,
benchmarks/ and CI files. After copying, the release is checked: no hidden test file, and no file
that holds half or more of a solution block's code (its pairs of neighbouring lines, or its only line)
or of a function of the references beside the hidden tests (solutions/qN/hidden/references.py).
"""

from __future__ import annotations

import ast
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from gradekit.course import check, markers
from gradekit.course.locate import find_course_root
from gradekit.release.stubs import solution_files

# Copied as they are (relative to the course root); README.md comes from the student template.
INCLUDE = [
    "assignments",
    "gradekit",
    "csrc",
    "setup.py",
    "pyproject.toml",
    "requirements.txt",
    "conftest.py",
    ".gitignore",
]
SKIP_NAMES = shutil.ignore_patterns(
    "__pycache__", "*.pyc", "*.so", "*.egg-info", "build", ".pytest_cache", ".hypothesis"
)
MIN_LEAK_LINE = 16  # a one-line solution block shorter than this ("return out") identifies nothing
MIN_LEAK_PAIR = 24  # two consecutive lines are a fingerprint when together at least this long


class ReleaseError(RuntimeError):
    """The release would give away solutions or hidden tests; the message says which file and line."""


def _is_code(stripped: str) -> bool:
    """A stripped line that is code: not blank, not a Python or C++ comment."""
    return bool(stripped) and not stripped.startswith(("#", "//"))


def _code_lines(text: str) -> list[tuple[int, str]]:
    """(line number, stripped line) of every line that is code."""
    return [(n, raw.strip()) for n, raw in enumerate(text.splitlines(), 1) if _is_code(raw.strip())]


def _fingerprints(lines: list[str]) -> list[tuple[str, ...]]:
    """What identifies a run of code lines: each pair of neighbours, or a lone line that is long enough.

    Single lines such as `for kind in KINDS:` or `rng = np.random.default_rng(seed)` recur in tests
    and in the kit's own code by design; two consecutive solution lines almost never do by chance.
    """
    if len(lines) == 1:
        return [(lines[0],)] if len(lines[0]) >= MIN_LEAK_LINE else []
    return [pair for pair in zip(lines, lines[1:]) if len(pair[0]) + len(pair[1]) >= MIN_LEAK_PAIR]


def _blocks(text: str, filename: str) -> list[list[tuple[int, str]]]:
    """The code lines (line number, stripped line) of each solution block in a solution file."""
    lines = text.splitlines()
    blocks = []
    for block in markers.solution_blocks(lines, filename):
        code = [(n, raw.strip()) for n, raw in enumerate(block.body(lines), block.begin + 2) if _is_code(raw.strip())]
        if code:
            blocks.append(code)
    return blocks


@dataclass
class SolutionBlock:
    origin: str  # "solutions/qN/file.py:LINE", the block's first code line
    prints: set[tuple[str, ...]]


def solution_blocks(course_root: Path) -> list[SolutionBlock]:
    """The fingerprints of every solution block that the student's stub does not give away itself."""
    found: list[SolutionBlock] = []
    solutions = course_root / "solutions"
    if not solutions.is_dir():
        return found
    for qdir in sorted(p for p in solutions.iterdir() if p.is_dir()):
        for path in solution_files(solutions, qdir.name):
            stub = course_root / "assignments" / qdir.name / path.name
            in_stub = set(_all_fingerprints(stub.read_text(encoding="utf-8"))) if stub.is_file() else set()
            for block in _blocks(path.read_text(encoding="utf-8"), f"solutions/{qdir.name}/{path.name}"):
                prints = set(_fingerprints([line for _, line in block])) - in_stub
                if prints:
                    found.append(SolutionBlock(f"solutions/{qdir.name}/{path.name}:{block[0][0]}", prints))
    return found


def hidden_reference_blocks(course_root: Path) -> list[SolutionBlock]:
    """The fingerprints of every function in the modules beside the hidden tests (not the tests).

    Those modules hold references that compute a task's answer (q8's preprocessing, q9's feature
    maps); a copy of one in the release, in gradekit.checks say, would give the answer away as
    surely as a solution block. Docstrings are left out: they describe, and shipped docstrings
    describe the same things.
    """
    found: list[SolutionBlock] = []
    for path in sorted(course_root.glob("solutions/q*/hidden/*.py")):
        if path.name.startswith("test_"):
            continue
        lines = path.read_text(encoding="utf-8").splitlines()
        for node in ast.parse("\n".join(lines), filename=str(path)).body:
            if not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                continue
            body = node.body[1:] if ast.get_docstring(node) is not None and len(node.body) > 1 else node.body
            code = [raw.strip() for raw in lines[body[0].lineno - 1 : node.end_lineno] if _is_code(raw.strip())]
            prints = set(_fingerprints(code))
            if prints:
                origin = f"{path.relative_to(course_root).as_posix()}:{body[0].lineno} ({node.name})"
                found.append(SolutionBlock(origin, prints))
    return found


def _all_fingerprints(text: str) -> dict[tuple[str, ...], int]:
    """Every single line and every pair of neighbouring code lines in a file -> the first line's number."""
    lines = _code_lines(text)
    prints: dict[tuple[str, ...], int] = {}
    for n, line in lines:
        prints.setdefault((line,), n)
    for (n, first), (_, second) in zip(lines, lines[1:]):
        prints.setdefault((first, second), n)
    return prints


def find_leaks(release: Path, course_root: Path) -> list[str]:
    """Places in ``release`` that hold a hidden test, a solution block's code or a hidden reference's.

    A file leaks a block when it holds at least half of the block's fingerprints: a whole idiom such
    as `optimizer.zero_grad()`, `loss.backward()`, `optimizer.step()` recurs in the kit's own code,
    while a copied solution brings most of its lines along.
    """
    blocks = solution_blocks(course_root) + hidden_reference_blocks(course_root)
    problems = []
    for path in sorted(release.rglob("*")):
        if not path.is_file() or ".git" in path.parts:
            continue
        rel = path.relative_to(release)
        if "hidden" in rel.parts or rel.parts[0] == "solutions":
            problems.append(f"{rel}: hidden tests or solutions must not be released")
            continue
        try:
            text = path.read_text(encoding="utf-8")
        except (UnicodeDecodeError, OSError):
            continue
        prints = _all_fingerprints(text)
        for block in blocks:
            shared = block.prints & prints.keys()
            if shared and 2 * len(shared) >= len(block.prints):
                n = min(prints[p] for p in shared)
                problems.append(
                    f"{rel}:{n}: repeats {len(shared)} of {len(block.prints)} pieces of "
                    f"the solution code at {block.origin}"
                )
    return problems


def _student_pyproject(text: str) -> str:
    """The student's bare `pytest` runs the questions (the kit's own tests are not released)."""
    return re.sub(r"testpaths = \[[^\]]*\]", 'testpaths = ["assignments"]', text)


def build(course_root: Path, out: Path, force: bool = False) -> Path:
    out = Path(out).resolve()
    if out.exists():
        if not force:
            raise ReleaseError(f"{out} exists; pass --force to replace it")
        shutil.rmtree(out)
    if course_root in out.parents or out == course_root:
        raise ReleaseError(f"{out} is inside the course repository; release somewhere else")
    out.mkdir(parents=True)
    for name in INCLUDE:
        src = course_root / name
        if src.is_dir():
            shutil.copytree(src, out / name, ignore=SKIP_NAMES)
        elif src.is_file():
            shutil.copy2(src, out / name)
    pyproject = out / "pyproject.toml"
    if pyproject.is_file():
        pyproject.write_text(_student_pyproject(pyproject.read_text(encoding="utf-8")), encoding="utf-8")
    template = Path(__file__).parent / "templates" / "student_README.md"
    shutil.copy2(template, out / "README.md")
    problems = find_leaks(out, course_root)
    if problems:
        shutil.rmtree(out)
        raise ReleaseError("the release would leak:\n  " + "\n  ".join(problems[:20]))
    return out


def _git_init(out: Path) -> bool:
    """A fresh repository with one commit, ready to push as a GitHub Classroom template."""
    git = shutil.which("git")
    if git is None:
        return False
    run = lambda *a: subprocess.run([git, *a], cwd=out, check=True, capture_output=True)  # noqa: E731
    run("init", "-q")
    run("add", "-A")
    run(
        "-c",
        "user.name=gradekit",
        "-c",
        "user.email=gradekit@localhost",
        "commit",
        "-q",
        "-m",
        "Student release of the CNN course unit",
    )
    return True


def main(out: str, force: bool = False) -> int:
    try:
        root = find_course_root()
        check.require_consistent(root, "gradekit release")  # never ship a README or stub that drifted
        path = build(root, Path(out), force=force)
    except (ReleaseError, ValueError) as exc:
        print(f"gradekit release: {exc}", file=sys.stderr)
        return 1
    committed = _git_init(path)
    print(f"wrote the student release to {path}" + (" (a git repository with one commit)" if committed else ""))
    print(
        "no solutions, no hidden tests; students start with: pip install -r requirements.txt && "
        "pip install --no-build-isolation -e . && pytest assignments/q1"
    )
    return 0
