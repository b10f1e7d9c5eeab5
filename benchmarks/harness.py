"""How long `pytest assignments/qN --against solutions` takes, and how much of it is the harness.

For each question: the wall time of a fresh pytest process grading the reference solution
(visible tests), the time pytest spent inside the tests themselves (setup + call + teardown, read
from the JUnit report), and the startup of a bare pytest process that imports the same libraries.
Harness overhead = wall - tests - bare startup: collection of task tables, guards, the ledger,
the scoreboard and the reports.

Usage: python benchmarks/harness.py [q1 q3 ...] [--json FILE]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
import xml.etree.ElementTree as ET
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
LIMITS = {"q7": 180.0, "q8": 180.0}  # seconds; every other question: 30 s (issue targets)
DEFAULT_LIMIT = 30.0


def _run(args: list[str], cwd: Path) -> float:
    env = dict(os.environ, PYTHONDONTWRITEBYTECODE="1")
    start = time.perf_counter()
    subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True)
    return time.perf_counter() - start


def bare_startup(tmp: Path) -> float:
    """A pytest process without gradekit that imports numpy and torch and runs one empty test."""
    test = tmp / "test_bare.py"
    test.write_text("import numpy, torch\n\ndef test_nothing():\n    pass\n")
    return min(
        _run(
            [sys.executable, "-m", "pytest", "-q", "-p", "no:gradekit.plugin", "-p", "no:cacheprovider", str(test)], tmp
        )
        for _ in range(3)
    )


def time_question(question: str, tmp: Path) -> dict:
    junit = tmp / f"{question}.xml"
    wall = _run(
        [
            sys.executable,
            "-m",
            "pytest",
            f"assignments/{question}",
            "--against",
            "solutions",
            "-q",
            "-p",
            "no:cacheprovider",
            "--junitxml",
            str(junit),
        ],
        REPO,
    )
    inside = sum(float(case.get("time", 0)) for case in ET.parse(junit).getroot().iter("testcase"))
    return {"question": question, "wall_s": wall, "tests_s": inside}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("questions", nargs="*")
    parser.add_argument("--json", metavar="FILE")
    args = parser.parse_args(argv)
    questions = args.questions or sorted(
        (p.name for p in (REPO / "solutions").glob("q*") if p.is_dir()), key=lambda q: int(q[1:])
    )
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        bare = bare_startup(tmp)
        rows = [time_question(q, tmp) for q in questions]
    print(
        f"# harness benchmark: {platform.processor() or platform.machine()}, {os.cpu_count()} cores, "
        f"python {platform.python_version()}; bare pytest+torch startup {bare:.2f} s"
    )
    print(f"{'question':<9} {'wall s':>8} {'tests s':>8} {'overhead s':>11} {'limit s':>8}  verdict")
    for row in rows:
        row["overhead_s"] = max(row["wall_s"] - row["tests_s"] - bare, 0.0)
        limit = LIMITS.get(row["question"], DEFAULT_LIMIT)
        ok = row["wall_s"] <= limit and row["overhead_s"] < 1.0
        print(
            f"{row['question']:<9} {row['wall_s']:8.2f} {row['tests_s']:8.2f} {row['overhead_s']:11.2f} "
            f"{limit:8.0f}  {'ok' if ok else 'OVER'}"
        )
    if args.json:
        Path(args.json).write_text(json.dumps({"bare_startup_s": bare, "rows": rows}, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
