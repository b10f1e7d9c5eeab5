"""Peak memory and wall time of grading one question, counted as a grader's container counts them.

A container's memory limit (Gradescope's is 768 MB unless the assignment raises it) covers every
process in it together: `gradekit grade`, the trusted pytest process and the sandboxed workers. Their
resident sets share the pages of torch, numpy and Python itself, so adding RSS would count those
several times; the proportional set size (Pss, /proc/PID/smaps_rollup) splits each shared page
among the processes that map it, and its sum over the process tree is what the container holds.
"""

from __future__ import annotations

import json
import math
import os
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from gradekit.sandbox.parent.processes import descendants

SAMPLE_SECONDS = 0.1


@dataclass
class Footprint:
    question: str
    peak_mb: float
    seconds: float
    returncode: int
    score: float | None = None  # what the reference solution scored (None: no results written)
    max_score: float | None = None


def _kib(pid: int, field: str, name: str) -> int:
    try:
        for line in Path(f"/proc/{pid}/{name}").read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1])
    except (OSError, ValueError, IndexError):
        pass
    return 0


def tree_mb(root: int) -> float:
    """Pss summed over ``root`` and every process below it, in MB (RSS where Pss cannot be read)."""
    total = 0
    for pid in [root, *descendants(root)]:
        total += _kib(pid, "Pss", "smaps_rollup") or _kib(pid, "VmRSS", "status")
    return total * 1024 / 1e6


def run_measured(argv: list[str], env: dict, cwd: Path, timeout: float) -> tuple[int, float, float]:
    """(exit status, peak MB of the process tree, wall seconds) of one command."""
    started = time.monotonic()
    proc = subprocess.Popen(argv, env=env, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    peak = 0.0
    while proc.poll() is None:
        peak = max(peak, tree_mb(proc.pid))
        if time.monotonic() - started > timeout:
            proc.kill()
            break
        time.sleep(SAMPLE_SECONDS)
    return proc.wait(), peak, time.monotonic() - started


def measure(course: Path, questions: list[str], timeout: float = 1800) -> list[Footprint]:
    """Grade the course's reference solutions one question at a time, measuring each grading."""
    found = []
    with tempfile.TemporaryDirectory(prefix="gradekit-footprint-") as tmp:
        for q in questions:
            out = Path(tmp) / q
            argv = [sys.executable, "-m", "gradekit", "grade", str(course / "solutions"), "--out", str(out)]
            env = {k: v for k, v in os.environ.items() if k != "GRADEKIT_BUDGET"}
            env["GRADEKIT_COURSE"] = str(course)
            code, peak, seconds = run_measured([*argv, "--questions", q], env, Path(tmp), timeout)
            score = max_score = None
            if (out / "results.json").is_file():
                results = json.loads((out / "results.json").read_text())
                score = results.get("score")
                max_score = sum(t.get("max_score", 0) for t in results.get("tests", []))
            found.append(Footprint(q, peak, seconds, code, score, max_score))
            shutil.rmtree(out, ignore_errors=True)
    return found


def advice(footprints: list[Footprint]) -> str:
    """What to set on the platform: memory over the largest peak, a timeout over all questions together."""
    lines = [
        f"  {f.question}: peak {f.peak_mb:,.0f} MB, {f.seconds:,.0f} s, the reference solution scored "
        + (f"{f.score:g}/{f.max_score:g}" if f.score is not None else "nothing (no results written)")
        for f in footprints
    ]
    failed = [f.question for f in footprints if f.returncode != 0 or f.score is None or f.score < f.max_score]
    if failed:
        lines.append(f"  the reference solutions did not get full marks on {', '.join(failed)}: check the course")
    # A quarter over the measured peak: another machine's allocator and thread count move it.
    memory_gb = max(0.5, math.ceil(max(f.peak_mb for f in footprints) * 1.25 / 500) / 2)
    # Twice the measured time: a student's slow code runs until its time limits, not the reference's pace.
    minutes = max(10, math.ceil(2 * sum(f.seconds for f in footprints) / 60))
    lines.append(
        f"set the autograder's memory to at least {memory_gb:g} GB and its timeout to at least {minutes} minutes"
    )
    return "\n".join(lines)
