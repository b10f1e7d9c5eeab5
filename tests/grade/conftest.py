"""Grade-mode tests run `gradekit grade` as a command on a small fixture course (tests/grade/course).

The fixture course has four questions built to exercise grade mode: plain numpy functions (q1), a
do-it-yourself task with forbidden calls (q2), a speed target (q3) and a torch model checked
through probes (q4). It is not collected by pytest itself; it is graded.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
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
