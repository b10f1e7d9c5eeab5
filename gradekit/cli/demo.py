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
from gradekit.harness.scoreboard import fmt_total

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
        "--gradekit-html",
        str(out / "report.html"),
        "--junitxml",
        str(out / "junit.xml"),
        "-q",
        "--no-header",
        "--tb=no",
        "-p",
        "no:cacheprovider",
    ]
    return subprocess.run(args, cwd=root).returncode


def _parts(results: Path) -> list[tuple[str, float, float, bool]]:
    """(question, earned, possible, extra credit) per question of a results.json (its tests' tags)."""
    data = json.loads(results.read_text())
    parts: dict[str, list] = {}
    for test in data["tests"]:
        tags = test.get("tags", [])
        question = tags[0] if tags else "?"
        part = parts.setdefault(question, [question, 0.0, 0.0, "extra credit" in tags])
        part[1] += test["score"]
        part[2] += test["max_score"]
    return [tuple(p) for p in parts.values()]


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
        totals[name] = _parts(report)
    sol, stub = totals["solutions"], totals["stubs"]
    print(
        f"\ngradekit demo: solutions {fmt_total(sol)}; untouched stubs {fmt_total(stub)}; reports in {out_dir}/"
        "{solutions,stubs}/ (results.json for Gradescope, scores.csv, junit.xml)\n"
        f"open {out_dir / 'solutions' / 'report.html'} and {out_dir / 'stubs' / 'report.html'} in a browser"
    )
    solutions_full = all(earned >= possible for _, earned, possible, _ in sol)
    return 0 if solutions_full and all(earned == 0 for _, earned, _, _ in stub) else 1
