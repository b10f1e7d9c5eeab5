"""Every report format a run can write, checked against its schema."""

import csv
import xml.etree.ElementTree as ET

import jsonschema
import pytest

# Gradescope's autograder results format (the fields gradekit writes; Gradescope accepts more).
GRADESCOPE_SCHEMA = {
    "type": "object",
    "required": ["score", "tests"],
    "properties": {
        "score": {"type": "number", "minimum": 0},
        "output": {"type": "string"},
        "visibility": {"enum": ["hidden", "after_due_date", "after_published", "visible"]},
        "stdout_visibility": {"enum": ["hidden", "after_due_date", "after_published", "visible"]},
        "extra_data": {"type": "object"},
        # Gradescope's leaderboard: a list of {name, value, order?} columns.
        "leaderboard": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["name", "value"],
                "properties": {
                    "name": {"type": "string"},
                    "value": {"type": ["number", "string"]},
                    "order": {"enum": ["asc", "desc"]},
                },
                "additionalProperties": False,
            },
        },
        "tests": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["name", "score", "max_score", "status", "output", "visibility"],
                "properties": {
                    "name": {"type": "string", "pattern": r"^q\d+\.\d+ "},
                    "number": {"type": "string"},
                    "score": {"type": "number", "minimum": 0},
                    "max_score": {"type": "number", "exclusiveMinimum": 0},
                    "status": {"enum": ["passed", "failed"]},
                    "output": {"type": "string"},
                    "tags": {"type": "array", "items": {"type": "string"}},
                    "visibility": {"enum": ["hidden", "after_due_date", "after_published", "visible"]},
                    "extra_data": {"type": "object"},
                },
            },
        },
    },
}


def test_gradescope_results_follow_the_schema_one_entry_per_task(course):
    result = course.run("--against", "solutions")
    jsonschema.validate(result.report, GRADESCOPE_SCHEMA)
    names = [t["name"] for t in result.report["tests"]]
    assert names == ["q1.1 add", "q1.2 scale", "q1.3 scale speed", "q1.4 stats"]
    assert sum(t["max_score"] for t in result.report["tests"]) == 100
    assert result.report["score"] == sum(t["score"] for t in result.report["tests"])
    assert "speed_ratio" in result.tasks["q1.3"]["extra_data"]
    # The speed race, on Gradescope's leaderboard: the measured ratio, then the score.
    board = result.report["leaderboard"]
    assert [c["name"].split(" (")[0] for c in board] == ["q1.3 speed", "score"]
    assert board[0]["value"] == round(result.tasks["q1.3"]["extra_data"]["speed_ratio"], 3)
    assert board[1]["value"] == result.report["score"]


def test_csv_has_a_row_per_task(course):
    out = course.root / "scores.csv"
    course.run("--against", "solutions", "--gradekit-csv", str(out))
    rows = list(csv.DictReader(out.open()))
    assert [r["task"] for r in rows] == ["q1.1", "q1.2", "q1.3", "q1.4"]
    assert [float(r["earned"]) for r in rows] == [40, 30, 20, 10]
    assert set(rows[0]) == {
        "question",
        "task",
        "title",
        "earned",
        "possible",
        "status",
        "speed_ratio",
        "speed_target",
        "message",
    }


def test_junit_xml_carries_the_task_of_each_test(course):
    out = course.root / "junit.xml"
    course.run("--junitxml", str(out))
    cases = ET.parse(out).getroot().iter("testcase")
    tasks = {}
    for case in cases:
        props = {p.get("name"): p.get("value") for p in case.iter("property")}
        tasks[case.get("name")] = props.get("gradekit_task")
        assert case.find("failure") is not None  # untouched stubs fail everything
    assert tasks == {
        "test_add_small": "q1.1",
        "test_add_negative": "q1.1",
        "test_scale": "q1.2",
        "test_scale_speed": "q1.3",
        "test_mean": "q1.4",
    }


def test_hidden_test_details_never_reach_the_reports(course):
    course.write(
        "solutions/q1/hidden/test_hidden_add.py",
        """
        import pytest
        import gradekit

        arith = gradekit.submission("q1.arith")

        @pytest.mark.task("q1.4")
        def test_mean_of_secret_values():
            got = gradekit.submission("q1.stats").mean([7.0, 9.0])
            assert got == 8.0, f"mean([7, 9]) is {got}, expected SECRET-8.0"
        """,
    )
    sub = course.submission("wrongmean", stats="def mean(x):\n    return 1.0 if len(x) == 2 else sum(x) / len(x)\n")
    out = course.root / "scores.csv"
    result = course.run("--against", str(sub), "--with-hidden", "--gradekit-csv", str(out))
    task = result.tasks["q1.4"]
    assert task["score"] == 5  # the visible test passes, the hidden one fails
    assert task["output"] == "hidden test test_mean_of_secret_values failed (its details are not shown)"
    assert "SECRET" not in (course.root / "results.json").read_text() + out.read_text()


@pytest.mark.parametrize(
    ("body", "kind_text"),
    [
        (
            'raise NotImplementedError(f"q1.4 not implemented yet: mean({x!r})")',
            "not implemented yet (hidden test test_mean_of_secret_inputs)",
        ),
        (
            'raise __import__("gradekit.harness.importer").harness.importer.MissingNameError(f"missing: {x!r}")',
            "hidden test test_mean_of_secret_inputs failed: a name it uses is missing from the submission "
            "(its details are not shown)",
        ),
    ],
)
def test_a_hidden_tests_inputs_cannot_come_back_in_the_submissions_own_error(course, body, kind_text):
    """The submission chooses what it raises; whatever kind of failure it fakes, no text of it is shown."""
    course.write(
        "solutions/q1/hidden/test_hidden_inputs.py",
        """
        import pytest
        import gradekit

        @pytest.mark.task("q1.4")
        def test_mean_of_secret_inputs():
            assert gradekit.submission("q1.stats").mean([1234.5, 6789.0]) == 4011.75
        """,
    )
    sub = course.submission(
        "echo", stats=f"def mean(x):\n    if len(x) == 2 and x[0] > 1000:\n        {body}\n    return sum(x) / len(x)\n"
    )
    csv_out = course.root / "scores.csv"
    result = course.run("--against", str(sub), "--with-hidden", "--gradekit-csv", str(csv_out))
    assert result.tasks["q1.4"]["output"] == kind_text
    assert "1234.5" not in (course.root / "results.json").read_text() + csv_out.read_text()
