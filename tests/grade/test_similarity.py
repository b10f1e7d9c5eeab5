"""gradekit similarity: a planted copy (renamed, reordered, recommented) is flagged, independent work is not."""

import csv
import os
import shutil
import subprocess
import sys
from pathlib import Path

from .conftest import COURSE

CLASS = Path(__file__).resolve().parent / "similarity_class"


def test_the_planted_copy_is_flagged_and_nothing_else(tmp_path):
    root = tmp_path / "class"
    shutil.copytree(CLASS, root)
    shutil.make_archive(str(root / "dave"), "zip", COURSE / "assignments")  # an untouched stub, zipped
    out = tmp_path / "out"
    proc = subprocess.run(
        [sys.executable, "-m", "gradekit", "similarity", str(root), "--out", str(out), "--questions", "q1"],
        capture_output=True,
        text=True,
        env=dict(os.environ, GRADEKIT_COURSE=str(COURSE)),
        timeout=300,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    rows = list(csv.DictReader((out / "similarity.csv").open()))
    assert list(rows[0]) == ["question", "student_a", "student_b", "similarity", "flagged"]
    assert len(rows) == 10  # every pair of the five
    flagged = [(r["student_a"], r["student_b"]) for r in rows if r["flagged"] == "yes"]
    assert flagged == [("alice", "mallory")], rows
    scores = {(r["student_a"], r["student_b"]): float(r["similarity"]) for r in rows}
    # The stub everyone got is boilerplate: an untouched stub shares nothing with anyone.
    assert all(v == 0 for (a, b), v in scores.items() if "dave" in (a, b)), scores
    page = (out / "similarity" / "q1-alice-mallory.html").read_text()
    assert "<mark>" in page and "alice" in page and "mallory" in page
