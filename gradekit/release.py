"""``gradekit release OUT``: the repository students get — stubs, visible tests, the kit — and nothing else.

Left out: solutions/ (with the hidden tests and model answers), the framework's own tests/,
benchmarks/ and CI files. After copying, the release is checked: no hidden test file, and no line
that only a solution block contains appears anywhere in it.
"""
from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

from gradekit.stubs import BEGIN, END, solution_files
from gradekit.targets import find_course_root

# Copied as they are (relative to the course root); README.md comes from the student template.
INCLUDE = ["assignments", "gradekit", "csrc", "setup.py", "pyproject.toml", "requirements.txt",
           "conftest.py", ".gitignore"]
SKIP_NAMES = shutil.ignore_patterns("__pycache__", "*.pyc", "*.so", "*.egg-info", "build", ".pytest_cache",
                                    ".hypothesis")
MIN_LEAK_LINE = 16  # shorter lines ("return out") are too common to identify a solution


class ReleaseError(RuntimeError):
    """The release would give away solutions or hidden tests; the message says which file and line."""


def solution_only_lines(course_root: Path) -> dict[str, str]:
    """Substantive lines inside solution blocks that the student's stub does not contain: line -> origin."""
    lines: dict[str, str] = {}
    solutions = course_root / "solutions"
    if not solutions.is_dir():
        return lines
    for qdir in sorted(p for p in solutions.iterdir() if p.is_dir()):
        for path in solution_files(solutions, qdir.name):
            stub = course_root / "assignments" / qdir.name / path.name
            stub_text = stub.read_text(encoding="utf-8") if stub.is_file() else ""
            inside = False
            for n, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
                if BEGIN.match(raw):
                    inside = True
                elif END.match(raw):
                    inside = False
                elif inside:
                    line = raw.strip()
                    if len(line) >= MIN_LEAK_LINE and not line.startswith("#") and line not in stub_text:
                        lines.setdefault(line, f"solutions/{qdir.name}/{path.name}:{n}")
    return lines


def find_leaks(release: Path, course_root: Path) -> list[str]:
    """Places in ``release`` that hold a hidden test or a solution-only line."""
    secret = solution_only_lines(course_root)
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
        for n, raw in enumerate(text.splitlines(), 1):
            origin = secret.get(raw.strip())
            if origin:
                problems.append(f"{rel}:{n}: repeats the solution line at {origin}")
    return problems


def _student_pyproject(text: str) -> str:
    """The student's bare `pytest` runs the questions (the kit's own tests are not released)."""
    return re.sub(r'testpaths = \[[^\]]*\]', 'testpaths = ["assignments"]', text)


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
    run("-c", "user.name=gradekit", "-c", "user.email=gradekit@localhost", "commit", "-q", "-m",
        "Student release of the CNN course unit")
    return True


def main(out: str, force: bool = False) -> int:
    try:
        root = find_course_root()
        path = build(root, Path(out), force=force)
    except (ReleaseError, ValueError) as exc:
        print(f"gradekit release: {exc}", file=sys.stderr)
        return 1
    committed = _git_init(path)
    print(f"wrote the student release to {path}" + (" (a git repository with one commit)" if committed else ""))
    print("no solutions, no hidden tests; students start with: pip install -r requirements.txt && "
          "pip install --no-build-isolation -e . && pytest assignments/q1")
    return 0
