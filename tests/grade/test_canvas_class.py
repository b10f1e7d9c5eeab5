"""A Canvas CSV from a demo class round-trips: every roster student has a row, with their points."""

import csv
import io
import subprocess
import sys


def test_the_graded_class_round_trips_through_the_canvas_export(graded_class, tmp_path):
    out = graded_class.out
    scores = {r["student"]: r for r in csv.DictReader(io.StringIO((out / "scores.csv").read_text()))}
    assert len(scores) == 4, scores
    # A roster as Canvas exports it: byte-order mark, the "Points Possible" row, login ids that are
    # the submission folders' names, in an order of its own.
    lines = ["\ufeffStudent,ID,SIS User ID,SIS Login ID,Section", "    Points Possible,,,,"]
    for i, login in enumerate(sorted(scores, reverse=True)):
        lines.append(f'"{login.title()}, Student",{200 + i},S{200 + i},{login},CNN {1 + i % 2}')
    roster = tmp_path / "roster.csv"
    roster.write_text("\n".join(lines) + "\n", encoding="utf-8")
    target = tmp_path / "canvas.csv"
    args = ["export", "canvas", "--scores", str(out / "scores.csv"), "--roster", str(roster), "--out", str(target)]
    proc = subprocess.run(
        [sys.executable, "-m", "gradekit", *args, "--assignment", "CNN q1"], capture_output=True, text=True
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    rows = list(csv.DictReader(io.StringIO(target.read_text(encoding="utf-8-sig"))))
    assert sorted(r["SIS Login ID"] for r in rows) == sorted(scores)
    for row in rows:
        assert float(row["CNN q1"]) == float(scores[row["SIS Login ID"]]["total"]), row
        assert row["Student"] == f"{row['SIS Login ID'].title()}, Student"
