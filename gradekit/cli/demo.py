"""``gradekit demo``: grade the reference solutions and the untouched stubs, show both scoreboards.

Each target is graded by a fresh ``pytest`` process on the visible tests, exactly as a student or
instructor would run it; the reports (Gradescope JSON, CSV, JUnit XML) go to the folder given.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from gradekit.course.locate import find_course_root
from gradekit.course.questions import question_folders
from gradekit.harness.scoreboard import fmt_points

RUNS = [
    ("solutions", "solutions", "the reference solutions"),
    ("stubs", "assignments", "the untouched stubs (a student who has not started)"),
]


def _pytest(root: Path, questions: list[str], against: str, out: Path) -> int:
    out.mkdir(parents=True, exist_ok=True)
    args = [
        sys.executable,
        "-m",
        "pytest",
        *[f"assignments/{q}" for q in questions],
        "--against",
        against,
        "--gradekit-json",
        str(out / "results.json"),
        "--gradekit-csv",
        str(out / "scores.csv"),
        "--junitxml",
        str(out / "junit.xml"),
        "-q",
        "--no-header",
        "--tb=no",
        "-p",
        "no:cacheprovider",
    ]
    return subprocess.run(args, cwd=root).returncode


def _total(results: Path) -> tuple[float, float]:
    data = json.loads(results.read_text())
    return (
        sum(t["score"] for t in data["tests"]),
        sum(t["max_score"] for t in data["tests"] if "extra credit" not in t.get("tags", [])),
    )


def main(out: str = "gradekit-reports", questions: list[str] | None = None) -> int:
    root = find_course_root()
    available = [q.name for q in question_folders(root / "assignments") if (root / "solutions" / q.name).is_dir()]
    questions = questions or available
    unknown = [q for q in questions if q not in available]
    if unknown:
        print(f"gradekit demo: no such question with solutions: {', '.join(unknown)}", file=sys.stderr)
        return 2
    out_dir = Path(out).resolve()
    totals = {}
    for name, against, label in RUNS:
        print(f"\n### gradekit demo: grading {label} on {', '.join(questions)}\n", flush=True)
        _pytest(root, questions, against, out_dir / name)
        report = out_dir / name / "results.json"
        if not report.is_file():
            print(f"gradekit demo: pytest wrote no report for {label}", file=sys.stderr)
            return 1
        totals[name] = _total(report)
    sol, stub = totals["solutions"], totals["stubs"]
    print(
        f"\ngradekit demo: solutions {fmt_points(sol[0])}/{fmt_points(sol[1])}, "
        f"untouched stubs {fmt_points(stub[0])}/{fmt_points(stub[1])}; reports in {out_dir}/"
        "{solutions,stubs}/ (results.json for Gradescope, scores.csv, junit.xml)"
    )
    return 0 if sol[0] >= sol[1] and stub[0] == 0 else 1
