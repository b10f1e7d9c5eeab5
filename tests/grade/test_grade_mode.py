"""`gradekit grade` on the fixture course: solutions earn everything, stubs nothing, reports are complete."""

import json
import xml.etree.ElementTree as ET

from gradekit import __version__
from gradekit.grade import results as grade_report
from gradekit.release import stubs

from .conftest import COURSE


def test_fixture_stubs_are_generated_from_its_solutions():
    assert stubs.stale(COURSE) == []


def test_reference_solutions_score_full_points(grade):
    graded = grade(COURSE / "solutions")
    assert graded.returncode == 0, graded.explain()
    lost = {
        t: (e["score"], e["max_score"], e["output"]) for t, e in graded.tasks.items() if e["score"] < e["max_score"]
    }
    assert not lost, graded.explain()
    assert graded.results["score"] == 400, graded.explain()
    assert set(graded.tasks) == {
        "q1.1",
        "q1.2",
        "q1.3",
        "q2.1",
        "q2.2",
        "q3.1",
        "q3.2",
        "q4.1",
        "q4.2",
        "q4.3",
        "q4.4",
        "q4.5",
    }


def test_untouched_stubs_score_zero_with_not_implemented(grade):
    graded = grade(COURSE / "assignments")
    assert graded.returncode == 0, graded.explain()
    for task, entry in graded.tasks.items():
        assert entry["score"] == 0, graded.explain()
        assert entry["output"].startswith("not implemented yet"), f"{task}: {entry['output']!r}"
    # The stubs' folder also holds the visible tests: they are listed as ignored, never run as submitted.
    assert "q1/test_arith.py" in graded.results["extra_data"]["files_ignored"]


def test_reports_carry_version_tests_hash_protections_and_junit(grade):
    graded = grade(COURSE / "solutions", questions=["q1"])
    extra = graded.results["extra_data"]
    assert extra["gradekit_version"] == __version__
    assert extra["tests_sha256"] == grade_report.tests_hash(COURSE, ["q1"])
    assert "bubblewrap" in extra["sandbox"] and "no network" in extra["sandbox"]
    assert {"worker", "rlimits", "data", "staging", "sandbox", "uid"} <= set(extra["protections"])
    suite = ET.parse(graded.out / "junit.xml").getroot()
    assert suite.get("tests") == "3" and suite.get("failures") == "0"
    names = [case.get("name") for case in suite.iter("testcase")]
    assert names == ["q1.1 add", "q1.2 scale", "q1.3 describe"]
    rows = (graded.out / "score.csv").read_text().splitlines()
    assert rows[0].startswith("question,task,title,earned,possible") and len(rows) == 4
    page = (graded.out / "report.html").read_text()  # the same results, as a page, protections listed
    assert "q1: 100 of 100 points" in page and "How it was graded" in page and "bubblewrap" in page


def test_grading_twice_gives_the_same_points(grade):
    first = grade(COURSE / "solutions", questions=["q1", "q3"])
    second = grade(COURSE / "solutions", questions=["q1", "q3"])
    for task, entry in first.tasks.items():
        other = second.tasks[task]
        if task == "q3.2":  # a speed task: equal within the stated band
            band = grade_report.speed_band_points(50, 0.5, 0.0625)
            assert abs(entry["score"] - other["score"]) <= band + 1e-9
        else:
            assert entry["score"] == other["score"], (task, entry, other)
    assert first.results["extra_data"]["tests_sha256"] == second.results["extra_data"]["tests_sha256"]


def test_a_hidden_test_failure_shows_neither_code_nor_values(grade, tmp_path):
    sub = tmp_path / "sub" / "q1"
    sub.mkdir(parents=True)
    text = (COURSE / "solutions" / "q1" / "arith.py").read_text()
    # Right on the visible tests' arrays (3x4), wrong on the hidden test's 7-vectors.
    sub.joinpath("arith.py").write_text(
        text + "\n\ndef add(a, b):\n    out = np.add(a, b)\n    return out + 1.0 if np.shape(out) == (7,) else out\n"
    )
    graded = grade(tmp_path / "sub", questions=["q1"])
    entry = graded.tasks["q1.1"]
    assert 0 < entry["score"] < entry["max_score"], graded.explain()
    # The same words as the scoreboard of a local run (gradekit.harness.ledger masks hidden failures).
    assert entry["output"] == "hidden test test_add_matches_reference failed (its details are not shown)"
    assert "reference" not in json.dumps(graded.results["tests"]).replace("test_add_matches_reference", "")


def test_gradekits_own_failure_exits_2_and_says_why_on_stderr(grade):
    graded = grade(COURSE / "solutions", questions=["q1"], env={"GRADEKIT_SANDBOX": "bogus"})
    assert graded.returncode == 2, graded.explain()
    assert "gradekit grade: grading failed" in graded.stdout
    assert "GRADEKIT_SANDBOX='bogus': use auto, bwrap or rlimits" in graded.stdout
    assert graded.results["score"] == 0  # and the results say nothing was graded
