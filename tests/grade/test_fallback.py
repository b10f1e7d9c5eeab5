"""Without bubblewrap (GRADEKIT_SANDBOX=rlimits): still a separate worker with limits, and the report says
what is missing."""

from .conftest import COURSE

SOLUTION = (COURSE / "solutions" / "q1" / "arith.py").read_text()


def test_rlimits_fallback_grades_and_contains_crashes_and_hangs(grade, tmp_path):
    solved = grade(COURSE / "solutions", questions=["q1"], env={"GRADEKIT_SANDBOX": "rlimits"})
    assert solved.results["score"] == 100, solved.explain()
    extra = solved.results["extra_data"]
    assert extra["sandbox"].startswith("none: bubblewrap unavailable") and "readable" in extra["sandbox"]

    sub = tmp_path / "sub" / "q1"
    sub.mkdir(parents=True)
    sub.joinpath("arith.py").write_text(
        SOLUTION + "\n\nimport os\n\n\ndef add(a, b):\n    os._exit(0)\n\n\n"
        "def scale(x, k):\n    while True:\n        pass\n"
    )
    faulty = grade(tmp_path / "sub", questions=["q1"], timeout=5, env={"GRADEKIT_SANDBOX": "rlimits"})
    assert faulty.returncode == 0, faulty.explain()
    assert faulty.points("q1.1") == 0 and "died" in faulty.tasks["q1.1"]["output"]
    assert faulty.points("q1.2") == 0 and "timed out" in faulty.tasks["q1.2"]["output"]
    assert faulty.points("q1.3") == 30, faulty.explain()
