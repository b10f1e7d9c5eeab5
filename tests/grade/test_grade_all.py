"""`gradekit grade-all`: a class graded in parallel; crashes and hangs cost one row; re-runs resume."""

import csv
import io
import json
import os
import subprocess
import sys
import zipfile

from .conftest import COURSE

SOLUTION = (COURSE / "solutions" / "q1" / "arith.py").read_text()
STUB = (COURSE / "assignments" / "q1" / "arith.py").read_text()


def grade_all(root, out, *extra, env=None):
    args = [
        sys.executable,
        "-m",
        "gradekit",
        "grade-all",
        str(root),
        "--out",
        str(out),
        "--questions",
        "q1",
        "--timeout",
        "8",
        *extra,
    ]
    return subprocess.run(
        args,
        capture_output=True,
        text=True,
        timeout=900,
        env=dict(os.environ, GRADEKIT_COURSE=str(COURSE), **(env or {})),
    )


def scores(out):
    return {row["student"]: row for row in csv.DictReader(io.StringIO((out / "scores.csv").read_text()))}


def make_class(root):
    (root / "alice" / "q1").mkdir(parents=True)
    (root / "alice" / "q1" / "arith.py").write_text(SOLUTION)
    with zipfile.ZipFile(root / "bob.zip", "w") as zf:  # an untouched stub, zipped with a top folder
        zf.writestr("bob/assignments/q1/arith.py", STUB)
    (root / "carol" / "q1").mkdir(parents=True)  # crashes the worker in q1.1
    (root / "carol" / "q1" / "arith.py").write_text(
        SOLUTION + "\n\ndef add(a, b):\n    import ctypes\n    ctypes.string_at(0)\n"
    )
    (root / "dave" / "q1").mkdir(parents=True)  # hangs in q1.2
    (root / "dave" / "q1" / "arith.py").write_text(SOLUTION + "\n\ndef scale(x, k):\n    while True:\n        pass\n")
    (root / "notes.txt").write_text("not a submission")


def test_grade_all_in_parallel_resumes_and_survives_faulty_submissions(tmp_path):
    root, out = tmp_path / "class", tmp_path / "grades"
    root.mkdir()
    make_class(root)
    first = grade_all(root, out, "--jobs", "2")
    assert first.returncode == 0, first.stdout + first.stderr
    table = scores(out)
    assert set(table) == {"alice", "bob", "carol", "dave"}
    assert {s: float(r["total"]) for s, r in table.items()} == {"alice": 100, "bob": 0, "carol": 60, "dave": 70}
    assert all(r["status"] == "ok" for r in table.values())
    assert list(table["alice"]) == ["student", "q1", "total", "status"]
    summary = (out / "summary.md").read_text()
    assert "| q1.1 | 2 of 4 |" in summary and "| q1.2 | 2 of 4 |" in summary
    assert json.loads((out / "summary.json").read_text())["per_minute"] > 0

    again = grade_all(root, out, "--jobs", "2")
    assert "skipped 4" in again.stdout, again.stdout
    (root / "alice" / "q1" / "arith.py").write_text(STUB)  # a resubmission is graded again
    resubmitted = grade_all(root, out)
    assert "graded 1, skipped 3" in resubmitted.stdout, resubmitted.stdout
    assert float(scores(out)["alice"]["total"]) == 0
    forced = grade_all(root, out, "--force", "--jobs", "2")
    assert "graded 4, skipped 0" in forced.stdout, forced.stdout


def test_a_killed_grading_loses_only_its_own_row_and_is_retried(tmp_path):
    root, out = tmp_path / "class", tmp_path / "grades"
    root.mkdir()
    make_class(root)
    (root / "eve" / "q1").mkdir(parents=True)
    (root / "eve" / "q1" / "arith.py").write_text(SOLUTION)
    # Every grading is killed after 1 s: nothing finishes, every row says so, and the run says it failed.
    killed = grade_all(root, out, "--jobs", "2", env={"GRADEKIT_GRADE_SECONDS": "1"})
    assert killed.returncode == 1
    assert all(r["status"].startswith("not graded") for r in scores(out).values())
    assert "Not graded" in (out / "summary.md").read_text()
    retried = grade_all(root, out, "--jobs", "2")
    assert retried.returncode == 0 and "graded 5, skipped 0" in retried.stdout, retried.stdout
    assert float(scores(out)["eve"]["total"]) == 100
