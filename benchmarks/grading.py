"""Grade-mode benchmark: sandbox overhead per task, one full grading, and grade-all throughput.

    python benchmarks/grading.py overhead            # per-task worker start and per-call round trip
    python benchmarks/grading.py full                # `gradekit grade solutions` over every question
    python benchmarks/grading.py batch --submissions 50 --jobs 1,2
    python benchmarks/grading.py throughput --students 6 --questions q1,q3

Run from the course repository. ``overhead`` and ``batch`` use the small fixture course of the
grade-mode tests (tests/grade/course), ``full`` and ``throughput`` the real course. ``throughput``
grades one class three ways in one run: nbgrader's ``autograde`` on the notebooks ``gradekit
nbgrader`` generates, ``gradekit grade-all --jobs 2`` on the same work as module files, and the
same through a local Dask cluster of two workers, plus one submission that hangs. Every number is
measured in this run; the machine's load changes them, so the load average is printed with them.
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
FIXTURE = REPO / "tests" / "grade" / "course"


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
            seconds, proc = _grade_all(root, out, ["q1"], ["--jobs", str(j)], env=env, check=False)
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


_MARKER = ("### BEGIN SOLUTION", "### END SOLUTION")


def _modules(folder: Path) -> list[Path]:
    return sorted(p for p in folder.glob("*.py") if not p.name.startswith(("test_", "conftest")))


def _module_class(root: Path, students: int, questions: list[str]) -> list[str]:
    """Module-file submissions: solved and untouched stubs in turn, and one whose conv2d never returns."""
    names = []
    for i in range(students):
        name = f"student{i:02d}"
        for q in questions:
            source = REPO / ("solutions" if i % 2 == 0 else "assignments") / q
            (root / name / q).mkdir(parents=True)
            for module in _modules(source):
                shutil.copy(module, root / name / q / module.name)
        names.append(name)
    hang = root / "hangs"
    for q in questions:
        shutil.copytree(
            REPO / "solutions" / q, hang / q, ignore=shutil.ignore_patterns("hidden", "*.md", "__pycache__")
        )
    conv = hang / questions[0] / "conv.py"
    if conv.is_file():
        conv.write_text(conv.read_text() + "\n\ndef conv2d(*args, **kwargs):\n    while True:\n        pass\n")
    return names


def _notebook_class(course: Path, students: list[str], questions: list[str]) -> None:
    """The same class as nbgrader submissions: the release notebook, its solution cells filled in or not."""
    import nbformat

    for q in questions:
        source = nbformat.read(str(course / "source" / q / f"{q}.ipynb"), as_version=4)
        solved = {
            c.metadata["nbgrader"]["grade_id"]: "\n".join(
                ln for ln in c.source.splitlines() if ln.strip() not in _MARKER
            )
            for c in source.cells
            if c.metadata.get("nbgrader", {}).get("solution")
        }
        for i, student in enumerate(students):
            nb = nbformat.read(str(course / "release" / q / f"{q}.ipynb"), as_version=4)
            if i % 2 == 0:
                for c in nb.cells:
                    key = c.metadata.get("nbgrader", {}).get("grade_id")
                    if key in solved:
                        c.source = solved[key]
            folder = course / "submitted" / student / q
            folder.mkdir(parents=True)
            nbformat.write(nb, str(folder / f"{q}.ipynb"))
            (folder / "timestamp.txt").write_text("2030-01-01 12:00:00.000000 UTC\n")


def _grade_all(
    root: Path, out: Path, questions: list[str], extra: list[str], env: dict | None = None, check: bool = True
) -> tuple[float, subprocess.CompletedProcess]:
    """(wall seconds, the finished process) of one `gradekit grade-all` run."""
    t0 = time.perf_counter()
    args = [
        sys.executable,
        "-m",
        "gradekit",
        "grade-all",
        str(root),
        "--out",
        str(out),
        "--questions",
        ",".join(questions),
    ]
    proc = subprocess.run([*args, *extra], cwd=REPO, env=env, capture_output=True, text=True, check=check)
    return time.perf_counter() - t0, proc


def _grading_seconds(out: Path, student: str) -> float:
    return json.loads((out / "submissions" / student / "results.json").read_text())["extra_data"]["grading_seconds"]


def throughput(students: int, questions: list[str]) -> dict:
    """Submissions per minute of nbgrader autograde, grade-all --jobs 2 and grade-all on Dask, one class."""
    from distributed import LocalCluster

    from gradekit.nbgrader import course as nbgrader_course

    tmp = Path(tempfile.mkdtemp(prefix="gradekit-bench-throughput-"))
    try:
        names = _module_class(tmp / "class", students, questions)
        course = tmp / "nbgrader"
        nbgrader_course.build(REPO, course, questions)
        _notebook_class(course, names, questions)
        t0 = time.perf_counter()
        for q in questions:
            nbgrader_course.nbgrader(course, "autograde", q)
        nbgrader_s = time.perf_counter() - t0
        load_nbgrader = _load()

        clean = tmp / "clean"  # the class without the hanging submission, for a like-for-like rate
        shutil.copytree(tmp / "class", clean, ignore=shutil.ignore_patterns("hangs"))
        jobs_s = _grade_all(clean, tmp / "out-jobs", questions, ["--jobs", "2"])[0]
        load_jobs = _load()
        os.environ["GRADEKIT_COURSE"] = str(REPO)
        with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster:
            dask_s = _grade_all(clean, tmp / "out-dask", questions, ["--scheduler", cluster.scheduler_address])[0]
        load_dask = _load()
        hang_s = _grade_all(tmp / "class", tmp / "out-hang", questions, ["--jobs", "2"])[0]
        per_minute = {
            "nbgrader autograde": students / nbgrader_s * 60,
            "gradekit grade-all --jobs 2": students / jobs_s * 60,
            "gradekit grade-all on Dask, 2 workers": students / dask_s * 60,
        }
        return {
            "students": students,
            "questions": questions,
            "seconds": {
                "nbgrader autograde": round(nbgrader_s, 1),
                "gradekit grade-all --jobs 2": round(jobs_s, 1),
                "gradekit grade-all on Dask, 2 workers": round(dask_s, 1),
            },
            "submissions_per_minute": {k: round(v, 2) for k, v in per_minute.items()},
            "ratio_to_nbgrader": {
                k: round(v / per_minute["nbgrader autograde"], 2) for k, v in per_minute.items() if "gradekit" in k
            },
            "hanging_submission_seconds": round(_grading_seconds(tmp / "out-hang", "hangs"), 1),
            "clean_solved_submission_seconds": round(_grading_seconds(tmp / "out-hang", names[0]), 1),
            "grade_all_with_the_hang_seconds": round(hang_s, 1),
            "load": {"after nbgrader": load_nbgrader, "after --jobs 2": load_jobs, "after Dask": load_dask},
        }
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


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
    t = sub.add_parser("throughput")
    t.add_argument("--students", type=int, default=6)
    t.add_argument("--questions", default="q1,q3")
    args = p.parse_args(argv)
    if args.what == "overhead":
        result = overhead(args.tasks)
    elif args.what == "full":
        result = full(args.questions.split(",") if args.questions else None)
    elif args.what == "throughput":
        result = throughput(args.students, args.questions.split(","))
    else:
        result = batch(args.submissions, [int(j) for j in args.jobs.split(",")])
    print(json.dumps(result, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
