"""The fixture question through real nbgrader: generate, submit, autograde, feedback, gradebook, export.

Seven students, each a release notebook edited the way students do:
- alice solves everything and answers the written prompt;
- bob submits the release untouched;
- carol solves q1.1 only;
- dave deletes q1.1's test cell and rewrites q1.2's test cell to print "all tests passed"; his add
  fails only the hidden broadcasting test (2 of q1.1's 3 tests pass) and q1.2 is left as the stub;
- erin solves everything, then deletes q1.1's solution cell;
- gina solves everything, then deletes q1.2's solution cell and its test cell (a pair that nbgrader
  alone cannot put back: it would stop grading the notebook);
- frank solves everything with code that floods stderr with warnings, and adds a cell that loops forever.

Expected points are hand-derived from tasks.toml (q1.1: 40 points over 3 tests, q1.2: 60).
"""

from __future__ import annotations

import csv
import re

import pytest

from gradekit.nbgrader import course as nbgrader_course

Q = "q1"
NOISY_ADD = """%%writefile my_code/arith.part2.py
import sys
import warnings

print("arith: loading, noisily", file=sys.stderr)


def add(a, b):
    warnings.warn("add: a warning the tests do not care about", UserWarning)
    np.log(np.zeros(1))  # numpy's RuntimeWarning (divide by zero)
    return as_float_array(a) + as_float_array(b)"""
NO_BROADCAST_ADD = """%%writefile my_code/arith.part2.py
def add(a, b):
    a, b = as_float_array(a), as_float_array(b)
    if a.shape != b.shape:
        raise ValueError("add: the shapes differ")
    return a + b"""
CELL_TIMEOUT = 30  # seconds; generous for these cells, short enough for frank's infinite loop


@pytest.fixture(scope="module")
def graded(fixture_course):
    course = fixture_course
    sub = course.student_notebook
    course.submit("alice", Q, sub(Q, solved="all"))
    course.submit("bob", Q, sub(Q))
    course.submit("carol", Q, sub(Q, solved=["q1_1_arith_add"]))
    course.submit(
        "dave",
        Q,
        sub(
            Q,
            replace={"q1_1_arith_add": NO_BROADCAST_ADD, "q1_2_tests": 'print("all tests passed")'},
            delete=["q1_1_tests"],
        ),
    )
    course.submit("erin", Q, sub(Q, solved="all", delete=["q1_1_arith_add"]))
    course.submit("gina", Q, sub(Q, solved="all", delete=["q1_2_stats_mean_of_sums", "q1_2_tests"]))
    course.submit(
        "frank",
        Q,
        sub(
            Q, solved="all", replace={"q1_1_arith_add": NOISY_ADD}, insert_after={"q1_1_tests": "while True:\n    pass"}
        ),
    )
    course.nbgrader("autograde", Q, "--force", f"--Execute.timeout={CELL_TIMEOUT}")
    course.nbgrader("generate_feedback", Q, "--force")
    return course


def test_solution_notebook_earns_full_marks_and_waits_for_manual_grading(graded):
    assert graded.task_points(Q, "alice") == {"q1.1": 40, "q1.2": 60}
    written = graded.grades(Q, "alice")["q1_w1_answer"]
    assert written["needs_manual_grade"] and written["max_score"] == 5


def test_untouched_release_earns_zero(graded):
    assert graded.task_points(Q, "bob") == {"q1.1": 0, "q1.2": 0}
    # An answer cell left as released is nbgrader's "no answer": 0 points, nothing to grade by hand.
    written = graded.grades(Q, "bob")["q1_w1_answer"]
    assert written["score"] == 0 and not written["needs_manual_grade"] and written["max_score"] == 5


def test_half_done_notebook_earns_exactly_its_task(graded):
    assert graded.task_points(Q, "carol") == {"q1.1": 40, "q1.2": 0}


def test_deleted_and_edited_test_cells_are_restored_and_run(graded):
    points = graded.task_points(Q, "dave")
    assert points["q1.1"] == pytest.approx(40 * 2 / 3, abs=1e-3)  # partial credit: 2 of 3 tests
    assert points["q1.2"] == 0  # the stub, whatever the edited cell printed
    autograded = graded.notebook("autograded/dave", Q)
    assert 'grade_task("q1.2"' in graded.cell(autograded, "q1_2_tests").source
    assert 'grade_task("q1.1"' in graded.cell(autograded, "q1_1_tests").source


def test_feedback_hides_the_hidden_tests(graded):
    html = (graded.path / "feedback" / "dave" / Q / f"{Q}.html").read_text()
    assert "a hidden test failed" in html
    # The hidden test's name and its call are not in the feedback.
    assert "test_add_broadcasts_a_row" not in html and "ones((3, 2))" not in html


def test_deleted_solution_cell_costs_only_its_task(graded):
    assert graded.task_points(Q, "erin") == {"q1.1": 0, "q1.2": 60}
    assert graded.task_points(Q, "gina") == {"q1.1": 40, "q1.2": 0}


def test_stderr_warnings_and_an_infinite_loop_cost_nothing(graded):
    assert graded.task_points(Q, "frank") == {"q1.1": 40, "q1.2": 60}
    autograded = graded.notebook("autograded/frank", Q)
    loop = graded.cell(autograded, "student-cell-0")
    assert any(o.output_type == "error" for o in loop.outputs), "the infinite loop was not interrupted"


def test_export_matches_nbgrader_export(graded, tmp_path):
    ours, theirs = tmp_path / "ours.csv", tmp_path / "nbgrader.csv"
    assert nbgrader_course.export(str(graded.path), out=str(ours)) == 0
    graded.nbgrader("export", f"--to={theirs}")
    nbgrader_rows = {(r["student_id"], r["assignment"]): r for r in csv.DictReader(theirs.open())}
    rows = list(csv.DictReader(ours.open()))
    assert {(r["student_id"], r["question"]) for r in rows} == set(nbgrader_rows)
    for r in rows:
        theirs_row = nbgrader_rows[(r["student_id"], r["question"])]
        assert float(r["score"]) == pytest.approx(float(theirs_row["score"]))
        assert float(r["max_score"]) == pytest.approx(float(theirs_row["max_score"]))
    by_student = {r["student_id"]: r for r in rows}
    assert float(by_student["carol"]["auto_score"]) == 40 and float(by_student["carol"]["auto_max"]) == 100
    assert by_student["alice"]["needs_manual_grade"] == "True"
    assert float(by_student["alice"]["written_max"]) == 5


def test_points_in_nbgrader_equal_the_task_table(graded):
    source = graded.notebook("source", Q)
    points = {
        c.metadata["nbgrader"]["grade_id"]: c.metadata["nbgrader"]["points"]
        for c in source.cells
        if c.metadata.get("nbgrader", {}).get("grade")
    }
    assert points == {"q1_1_tests": 40, "q1_2_tests": 60, "q1_w1_answer": 5}
    assert re.search(r"\| q1\.1 \| add \| 40 \| auto \|", source.cells[0].source)
