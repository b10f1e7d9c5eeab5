"""`gradekit grade-all`: a class graded in parallel; crashes and hangs cost one row; re-runs resume."""

import csv
import io
import json
import os
import shutil
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


def test_grade_all_in_parallel_resumes_and_survives_faulty_submissions(graded_class, tmp_path):
    first, out = graded_class.proc, graded_class.out
    assert first.returncode == 0, first.stdout + first.stderr
    table = scores(out)
    assert set(table) == {"alice", "bob", "carol", "dave"}
    assert {s: float(r["total"]) for s, r in table.items()} == {"alice": 100, "bob": 0, "carol": 60, "dave": 70}
    assert all(r["status"] == "ok" for r in table.values())
    assert list(table["alice"]) == ["student", "q1", "total", "status"]
    summary = (out / "summary.md").read_text()
    assert "| q1.1 | 2 of 4 |" in summary and "| q1.2 | 2 of 4 |" in summary
    assert json.loads((out / "summary.json").read_text())["per_minute"] > 0
    page = (out / "index.html").read_text()  # the dashboard: plots, reasons, one linked row per student
    assert page.count("<svg") >= 2 and 'role="img"' in page
    for student in ("alice", "bob", "carol", "dave"):
        assert f'<a href="submissions/{student}/report.html">{student}</a>' in page
        assert (out / "submissions" / student / "report.html").is_file()
    assert "Most common reasons" in page and "Similar submissions" in page
    assert (out / "similarity.csv").read_text().startswith("question,student_a,student_b,similarity,flagged")

    # The re-runs change the class and its grades: a copy, so the shared graded class stays as graded.
    root, out = tmp_path / "class", tmp_path / "grades"
    shutil.copytree(graded_class.root, root)
    shutil.copytree(graded_class.out, out)
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
    # Every grading is killed after 10 ms (a q1 grading of this fixture takes under a second on a quiet
    # machine, so 1 s was not enough): nothing finishes, every row says so, and the run says it failed.
    killed = grade_all(root, out, "--jobs", "2", env={"GRADEKIT_GRADE_SECONDS": "0.01"})
    assert killed.returncode == 1
    assert all(r["status"].startswith("not graded") for r in scores(out).values())
    assert "Not graded" in (out / "summary.md").read_text()
    retried = grade_all(root, out, "--jobs", "2")
    assert retried.returncode == 0 and "graded 5, skipped 0" in retried.stdout, retried.stdout
    assert float(scores(out)["eve"]["total"]) == 100


def test_hostile_entries_cost_their_own_row_and_nothing_is_graded_twice(tmp_path):
    root, out = tmp_path / "class", tmp_path / "grades"
    for student in ("frank", "mallory", "alice"):
        (root / student / "q1").mkdir(parents=True)
        (root / student / "q1" / "arith.py").write_text(SOLUTION)
    (root / "mallory" / "pagemap").symlink_to("/proc/self/pagemap")  # never followed nor read
    (root / "frank" / "q1" / "q1.ipynb").write_text("{}")  # graded through nbgrader, and told so
    with zipfile.ZipFile(root / "alice.zip", "w") as zf:  # a second "alice": not guessed between
        zf.writestr("q1/arith.py", STUB)
    deep = root / "zed"
    (deep / "q1").mkdir(parents=True)
    (deep / "q1" / "arith.py").write_text(SOLUTION)
    deep.joinpath(*["d"] * 40).mkdir(parents=True)
    (root / ".DS_Store").write_text("")
    done = grade_all(root, out, "--jobs", "2")
    assert done.returncode == 1, done.stdout + done.stderr  # some rows are not graded: the run says so
    table = scores(out)
    assert float(table["frank"]["total"]) == 100 and float(table["mallory"]["total"]) == 100
    assert table["alice"]["status"].startswith("not graded: 2 submissions have this name (alice, alice.zip)")
    assert table["zed"]["status"].startswith("not graded: the submission could not be read")
    assert "nest more than" in table["zed"]["status"]
    assert not (out / "submissions" / "alice").exists()
    frank = json.loads((out / "submissions" / "frank" / "results.json").read_text())
    assert "not graded: q1/q1.ipynb: `gradekit grade` takes the module files" in frank["output"]
    assert ".DS_Store" in (out / "summary.md").read_text()


def test_a_rerun_with_other_questions_or_changed_tests_grades_again(tmp_path):
    from gradekit.grade import grade_all as grading

    course = tmp_path / "course"
    shutil.copytree(COURSE, course)
    sub = grading.Submission("frank", tmp_path / "frank")
    (sub.path / "q1").mkdir(parents=True)
    (sub.path / "q1" / "arith.py").write_text(SOLUTION)
    key = grading.grading_key(sub, course, ["q1"])
    assert grading.grading_key(sub, course, ["q1"]) == key
    assert grading.grading_key(sub, course, ["q1", "q2"])["asked"] != key["asked"]
    test_file = course / "assignments" / "q1" / "test_arith.py"
    test_file.write_text(test_file.read_text() + "\n# a fixed test\n")
    assert grading.grading_key(sub, course, ["q1"])["tests_sha256"] != key["tests_sha256"]
    folder = tmp_path / "grades" / "frank"
    folder.mkdir(parents=True)
    (folder / "results.json").write_text("{}")
    (folder / "done.json").write_text(json.dumps(key))
    assert grading._finished(folder, key)
    assert not grading._finished(folder, grading.grading_key(sub, course, ["q1"]))
