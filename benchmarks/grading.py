"""Grade-mode benchmark: sandbox overhead per task, one full grading, and grade-all throughput.

    python benchmarks/grading.py overhead            # per-task worker start and per-call round trip
    python benchmarks/grading.py full                # `gradekit grade solutions` over every question
    python benchmarks/grading.py batch --submissions 50 --jobs 1,2

Run from the course repository. ``overhead`` and ``batch`` use the small fixture course of the
grade-mode tests (tests/grade/course), ``full`` the real course. Every number is measured in
this run; the machine's load changes them, so the load average is printed with them.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
FIXTURE = REPO / "tests" / "grading" / "course"


def _load() -> str:
    return "load average " + " ".join(f"{x:.1f}" for x in os.getloadavg())


def overhead(tasks: int = 20, calls: int = 200) -> dict:
    """Median time to give a task its own worker (fork from the zygote, connect) and per-call round trip."""
    import numpy as np

    from gradekit.course.questions import Task
    from gradekit.sandbox.parent.session import GradeConfig, Session

    staged = Path(tempfile.mkdtemp(prefix="gradekit-bench-"))
    os.chmod(staged, 0o755)
    shutil.copytree(FIXTURE / "solutions" / "q1", staged / "q1", ignore=shutil.ignore_patterns("hidden"))
    session = Session(GradeConfig(staged=str(staged), course_root=str(FIXTURE)))
    try:
        started = time.perf_counter()
        session.start()
        start_s = time.perf_counter() - started
        spawn_ms, first_call_ms, call_us, local_us = [], [], [], []
        arith = session.submission("q1.arith")
        for k in range(tasks):
            session.begin(Task(id=f"q1.{k + 1}", title="bench", points=1), 60)
            t0 = time.perf_counter()
            session.worker()
            spawn_ms.append((time.perf_counter() - t0) * 1e3)
            t0 = time.perf_counter()
            arith.add(1.0, 2.0)  # imports the module in the new worker
            first_call_ms.append((time.perf_counter() - t0) * 1e3)
            session.end()
        session.begin(Task(id="q1.99", title="bench", points=1), 60)
        add = arith.add
        x = np.ones(1000)
        for _ in range(calls):
            t0 = time.perf_counter()
            add(x, x)
            call_us.append((time.perf_counter() - t0) * 1e6)
            t0 = time.perf_counter()
            np.add(x, x)
            local_us.append((time.perf_counter() - t0) * 1e6)
    finally:
        session.shutdown()
        shutil.rmtree(staged, ignore_errors=True)
    per_task = statistics.median(spawn_ms) + statistics.median(first_call_ms)
    return {
        "sandbox_start_s": round(start_s, 3),
        "spawn_ms_median": round(statistics.median(spawn_ms), 2),
        "first_call_ms_median": round(statistics.median(first_call_ms), 2),
        "per_task_overhead_ms": round(per_task, 2),
        "round_trip_us_median": round(statistics.median(call_us) - statistics.median(local_us), 1),
        "tasks": tasks,
        "calls": calls,
        "protections": session.facts["protections"].get("sandbox"),
        "load": _load(),
    }


def full(questions: list[str] | None = None) -> dict:
    """Wall time of `gradekit grade solutions` (hidden tests included) over the real course."""
    out = Path(tempfile.mkdtemp(prefix="gradekit-bench-full-"))
    args = [sys.executable, "-m", "gradekit", "grade", "solutions", "--out", str(out)]
    if questions:
        args += ["--questions", ",".join(questions)]
    t0 = time.perf_counter()
    proc = subprocess.run(args, cwd=REPO, capture_output=True, text=True)
    seconds = time.perf_counter() - t0
    results = json.loads((out / "results.json").read_text())
    per_question: dict[str, float] = {}
    for test in results["tests"]:
        q = test["number"].split(".")[0]
        per_question[q] = per_question.get(q, 0) + test["score"]
    shutil.rmtree(out, ignore_errors=True)
    return {
        "seconds": round(seconds, 1),
        "exit": proc.returncode,
        "score": results["score"],
        "per_question": per_question,
        "questions": results["extra_data"].get("questions"),
        "load": _load(),
    }


def _make_class(root: Path, n: int) -> None:
    """n submissions of the fixture's q1: solved, untouched stubs and half-right, in turn."""
    solution = (FIXTURE / "solutions" / "q1" / "arith.py").read_text()
    stub = (FIXTURE / "assignments" / "q1" / "arith.py").read_text()
    half = solution + "\n\ndef scale(x, k):\n    return x\n"
    for i in range(n):
        folder = root / f"student{i:03d}" / "q1"
        folder.mkdir(parents=True)
        (folder / "arith.py").write_text((solution, stub, half)[i % 3])


def batch(submissions: int, jobs: list[int]) -> dict:
    """grade-all of a class of the fixture's q1 with each --jobs value; submissions per minute."""
    root = Path(tempfile.mkdtemp(prefix="gradekit-bench-class-"))
    _make_class(root, submissions)
    rows = {}
    try:
        for j in jobs:
            out = root.parent / f"{root.name}-out-{j}"
            env = dict(os.environ, GRADEKIT_COURSE=str(FIXTURE))
            t0 = time.perf_counter()
            proc = subprocess.run(
                [
                    sys.executable,
                    "-m",
                    "gradekit",
                    "grade-all",
                    str(root),
                    "--out",
                    str(out),
                    "--jobs",
                    str(j),
                    "--questions",
                    "q1",
                ],
                env=env,
                capture_output=True,
                text=True,
            )
            seconds = time.perf_counter() - t0
            rows[j] = {
                "seconds": round(seconds, 1),
                "per_minute": round(submissions / seconds * 60, 1),
                "exit": proc.returncode,
                "load": _load(),
            }
            shutil.rmtree(out, ignore_errors=True)
    finally:
        shutil.rmtree(root, ignore_errors=True)
    return {"submissions": submissions, "by_jobs": rows}


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = p.add_subparsers(dest="what", required=True)
    o = sub.add_parser("overhead")
    o.add_argument("--tasks", type=int, default=20)
    f = sub.add_parser("full")
    f.add_argument("--questions", default=None)
    b = sub.add_parser("batch")
    b.add_argument("--submissions", type=int, default=50)
    b.add_argument("--jobs", default="1,2")
    args = p.parse_args(argv)
    if args.what == "overhead":
        result = overhead(args.tasks)
    elif args.what == "full":
        result = full(args.questions.split(",") if args.questions else None)
    else:
        result = batch(args.submissions, [int(j) for j in args.jobs.split(",")])
    print(json.dumps(result, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
