"""gradekit export canvas: scores.csv and a Canvas roster make the CSV Canvas's gradebook imports."""

import csv
import io
import os
import subprocess
import sys

import pytest

from gradekit.grade import canvas

ROSTER = (
    "\ufeffStudent,ID,SIS User ID,SIS Login ID,Section\n"
    "    Points Possible,,,,\n"
    '"Lovelace, Ada",101,S101,alovelace,CNN 1\n'
    '"Turing, Alan",102,S102,aturing,CNN 1\n'
    '"Hopper, Grace",103,S103,ghopper,CNN 2\n'
)
SCORES = "student,q1,q3,total,status\nalovelace,100,80,180,ok\naturing,60,0,60,ok\nghopper,0,0,0,ok\n"


@pytest.fixture
def files(tmp_path):
    (tmp_path / "roster.csv").write_text(ROSTER, encoding="utf-8")
    (tmp_path / "scores.csv").write_text(SCORES)
    return tmp_path


def read(text):
    return list(csv.DictReader(io.StringIO(text)))


def test_every_roster_student_gets_their_points(files):
    rows = read(canvas.gradebook(files / "scores.csv", files / "roster.csv"))
    assert list(rows[0]) == ["Student", "ID", "SIS User ID", "SIS Login ID", "Section", "gradekit"]
    assert {r["SIS Login ID"]: r["gradekit"] for r in rows} == {"alovelace": "180", "aturing": "60", "ghopper": "0"}
    assert rows[0]["Student"] == "Lovelace, Ada" and rows[2]["Section"] == "CNN 2"


def test_one_column_per_question_when_asked(files):
    rows = read(canvas.gradebook(files / "scores.csv", files / "roster.csv", assignment="HW", per_question=True))
    assert list(rows[0])[5:] == ["HW q1", "HW q3"]
    assert (rows[0]["HW q1"], rows[0]["HW q3"]) == ("100", "80")


def test_a_student_in_one_file_only_is_an_error_that_names_them(files):
    (files / "scores.csv").write_text(SCORES + "mallory,100,100,200,ok\n")
    with pytest.raises(
        canvas.CanvasError, match="in the scores but not in the roster's 'SIS Login ID' column: mallory"
    ):
        canvas.gradebook(files / "scores.csv", files / "roster.csv")
    (files / "scores.csv").write_text(SCORES.replace("ghopper,0,0,0,ok\n", ""))
    with pytest.raises(canvas.CanvasError, match="in the roster but without a score: ghopper"):
        canvas.gradebook(files / "scores.csv", files / "roster.csv")
    rows = read(canvas.gradebook(files / "scores.csv", files / "roster.csv", allow_missing=True))
    assert {r["SIS Login ID"]: r["gradekit"] for r in rows}["ghopper"] == ""


def test_a_match_column_the_roster_lacks_is_named(files):
    with pytest.raises(canvas.CanvasError, match="the roster has no 'Email' column"):
        canvas.gradebook(files / "scores.csv", files / "roster.csv", match="Email")


def test_the_command_writes_the_file(files):
    out = files / "canvas.csv"
    args = ["export", "canvas", "--scores", str(files / "scores.csv"), "--roster", str(files / "roster.csv")]
    proc = subprocess.run([sys.executable, "-m", "gradekit", *args, "--out", str(out)], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    assert len(read(out.read_text())) == 3
    bad = subprocess.run(
        [sys.executable, "-m", "gradekit", *args[:-2], "--out", str(out)],
        capture_output=True,
        text=True,
        env=dict(os.environ),
    )
    assert bad.returncode == 2 and "needs --scores" in bad.stderr
