"""Grade-mode tests run `gradekit grade` as a command on a small fixture course (tests/grade/course).

The fixture course has four questions built to exercise grade mode: plain numpy functions (q1), a
do-it-yourself task with forbidden calls (q2), a speed target (q3) and a torch model checked
through probes (q4). It is not collected by pytest itself; it is graded.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

import pytest

COURSE = Path(__file__).resolve().parent / "course"
collect_ignore = ["course", "similarity_class"]


@dataclass
class Graded:
    """What one `gradekit grade` run produced."""

    returncode: int
    results: dict
    out: Path
    stdout: str

    @property
    def tasks(self) -> dict[str, dict]:
        return {t["number"]: t for t in self.results.get("tests", [])}

    def points(self, task_id: str) -> float:
        return self.tasks[task_id]["score"]

    def explain(self) -> str:
        lines = [f"exit {self.returncode}, score {self.results.get('score')}"]
        lines += [f"  {t['number']}: {t['score']}/{t['max_score']} {t['output'][:200]}" for t in self.tasks.values()]
        lines.append(self.stdout[-2000:])
        log = self.out / "grading.log"
        if log.is_file():
            lines.append(log.read_text()[-3000:])
        return "\n".join(lines)


def run_grade(
    submission: Path,
    out: Path,
    *,
    questions: list[str] | None = None,
    timeout: float | None = None,
    env: dict | None = None,
    course: Path = COURSE,
    command: str = "grade",
    python: str = sys.executable,
) -> Graded:
    """`python -m gradekit grade SUBMISSION --out OUT` with the fixture course as the course."""
    args = [python, "-m", "gradekit", command, str(submission), "--out", str(out)]
    if questions:
        args += ["--questions", ",".join(questions)]
    if timeout:
        args += ["--timeout", str(timeout)]
    full_env = dict(os.environ, GRADEKIT_COURSE=str(course), **(env or {}))
    proc = subprocess.run(args, capture_output=True, text=True, env=full_env, timeout=900, cwd=out.parent)
    report = out / "results.json"
    results = json.loads(report.read_text()) if report.is_file() else {}
    return Graded(proc.returncode, results, out, proc.stdout + proc.stderr)


@pytest.fixture
def grade(tmp_path):
    """grade(submission, questions=[...], timeout=...) -> Graded, output in a fresh folder."""
    count = [0]

    def run(submission, **kw) -> Graded:
        count[0] += 1
        return run_grade(Path(submission), tmp_path / f"out{count[0]}", **kw)

    return run


@dataclass
class GradedClass:
    """test_grade_all's demo class (alice, bob, carol, dave) after one `gradekit grade-all --jobs 2`."""

    root: Path
    out: Path
    proc: subprocess.CompletedProcess


@pytest.fixture(scope="session")
def graded_class(tmp_path_factory) -> GradedClass:
    """The demo class graded once for every test that only reads what grade-all wrote (the first
    grade-all test, the page tests, the Canvas round trip): a grade-all run is the costly part.
    A test that changes the class or its grades works on a copy."""
    from .test_grade_all import grade_all, make_class

    base = tmp_path_factory.mktemp("graded_class")
    root, out = base / "class", base / "grades"
    root.mkdir()
    make_class(root)
    return GradedClass(root, out, grade_all(root, out, "--jobs", "2"))


def _copy_distribution(name: str, dest: Path, follow: bool = True, seen: set | None = None) -> None:
    """The installed files of distribution ``name`` (and, with ``follow``, of what it requires) under dest."""
    from importlib import metadata

    from packaging.requirements import Requirement

    seen = set() if seen is None else seen
    dist = metadata.distribution(name)
    if dist.metadata["Name"].lower() in seen:
        return
    seen.add(dist.metadata["Name"].lower())
    for rel in dist.files or []:
        if rel.parts[0] == ".." or "__pycache__" in rel.parts or rel.name.startswith("__editable__"):
            continue  # scripts outside site-packages, caches, and an editable install's pointer back
        src = Path(dist.locate_file(rel))
        if src.is_file():
            (dest / rel).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(src, dest / rel)
    for text in (dist.requires or []) if follow else []:
        req = Requirement(text)
        if req.marker is None or req.marker.evaluate({"extra": ""}):
            _copy_distribution(req.name, dest, follow, seen)


def _link_or_copy(src: str, dest: str) -> None:
    try:
        os.link(src, dest)  # torch alone is gigabytes: a hard link costs nothing and shares the file's mode
    except OSError:
        shutil.copy2(src, dest)


@pytest.fixture(scope="session")
def public_python():
    """A venv of the system's Python 3 holding what this checkout's venv holds (torch, numpy, pytest,
    mlxtend, ...), as hard links where the filesystem allows, and its own copy of gradekit, all
    readable by every uid: what grading without bubblewrap needs to give the worker a uid of its
    own. A checkout under a private folder (mktemp's, /root) could not lend its own packages to
    another uid."""
    import gradekit

    version = f"python{sys.version_info.major}.{sys.version_info.minor}"
    system = next((p for p in (f"/usr/bin/{version}", f"/usr/local/bin/{version}") if os.access(p, os.X_OK)), None)
    assert system, f"this test needs a system {version} (Debian: apt-get install {version})"
    folder = Path(tempfile.mkdtemp(prefix="gradekit-public-python-"))
    os.chmod(folder, 0o755)
    subprocess.run([system, "-m", "venv", "--without-pip", str(folder / "venv")], check=True)
    site = folder / "venv" / "lib" / version / "site-packages"
    ours = Path(next(p for p in sys.path if p.endswith("site-packages") and p.startswith(sys.prefix)))
    # Not the editable install's pointer back into this checkout, nor caches: gradekit is copied below.
    skip = shutil.ignore_patterns("__pycache__", "__editable__*", "gradekit", "gradekit-*")
    shutil.copytree(ours, site, symlinks=True, ignore=skip, copy_function=_link_or_copy, dirs_exist_ok=True)
    _copy_distribution("gradekit", site, follow=False)  # its metadata: the pytest plugin's entry point
    shutil.copytree(Path(gradekit.__file__).parent, site / "gradekit", ignore=shutil.ignore_patterns("__pycache__"))
    yield folder
    shutil.rmtree(folder, ignore_errors=True)
