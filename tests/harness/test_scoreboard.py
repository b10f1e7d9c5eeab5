"""The all-questions total keeps extra credit apart, so full marks never read as more than full."""

from gradekit.harness.scoreboard import fmt_total


def test_regular_questions_add_up():
    assert fmt_total([("q1", 100, 100, False), ("q2", 40.5, 100, False)]) == "140.5/200"


def test_extra_credit_is_shown_beside_the_total_not_inside_it():
    parts = [("q1", 100, 100, False), ("q2", 100, 100, False), ("q10", 80, 100, True)]
    assert fmt_total(parts) == "200/200, plus 80/100 extra credit (q10)"


def test_no_points_at_all():
    assert fmt_total([("q1", 0, 100, False), ("q10", 0, 100, True)]) == "0/100, plus 0/100 extra credit (q10)"
