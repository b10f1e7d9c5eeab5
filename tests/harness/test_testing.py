"""gradekit.testing: the messages students read when numbers differ."""

import numpy as np
import pytest
import torch

from gradekit.testing import assert_close, assert_equal, assert_gradient, numeric_gradient, rel_error


def test_close_values_pass_including_tensors_and_matching_nans():
    assert_close(torch.tensor([1.0, float("nan")]), np.array([1.0 + 1e-9, np.nan]), rtol=1e-6)


def test_shape_mismatch_is_said_plainly():
    with pytest.raises(AssertionError, match=r"conv has shape \(2, 3\), expected \(3, 2\)"):
        assert_close(np.zeros((2, 3)), np.zeros((3, 2)), name="conv")


def test_worst_element_index_tolerance_and_count():
    expected = np.zeros((2, 2, 3))
    got = expected.copy()
    got[1, 0, 2] = 0.5
    got[0, 1, 1] = 1e-3
    with pytest.raises(AssertionError) as info:
        assert_close(got, expected, rtol=1e-5, atol=1e-4, name="out")
    text = str(info.value)
    first = text.splitlines()[0]
    assert first.startswith("out: worst at index (1, 0, 2): got 0.5, expected 0 (|diff| = 0.5)")
    assert first.endswith("2 of 12 elements differ")
    assert "rtol=1e-05, atol=0.0001" in text


def test_the_scoreboard_line_keeps_the_values_of_a_large_output():
    from gradekit.harness.ledger import one_line

    expected = np.zeros((8, 96, 55, 55))
    got = expected + 1e-3
    got[3, 17, 41, 12] = 2.5
    with pytest.raises(AssertionError) as info:
        assert_close(got, expected, rtol=1e-6, atol=1e-6, name="conv2d(x, w, stride=4, padding=0)")
    line = one_line(str(info.value))
    assert "worst at index (3, 17, 41, 12): got 2.5, expected 0" in line


def test_none_and_non_numeric_results_are_named():
    with pytest.raises(AssertionError, match="did the function forget to return"):
        assert_close(None, np.zeros(2))
    with pytest.raises(AssertionError, match="not an array|does not convert"):
        assert_close({"a": 1}, np.zeros(2))


def test_nan_where_a_number_was_expected_fails():
    with pytest.raises(AssertionError, match="1 of 2 elements"):
        assert_close(np.array([1.0, np.nan]), np.array([1.0, 2.0]))


def test_dtype_check_when_asked():
    with pytest.raises(AssertionError, match="dtype float32, expected float64"):
        assert_close(np.zeros(2, np.float32), np.zeros(2), check_dtype=True)


def test_assert_equal_shows_both_values():
    with pytest.raises(AssertionError, match="params is 902400, expected 903400"):
        assert_equal(902400, 903400, name="params")


def test_numeric_gradient_of_a_known_function():
    x = np.array([[1.0, -2.0], [0.5, 3.0]])
    dout = np.ones_like(x)
    grad = numeric_gradient(lambda v: v**2, x, dout)
    assert rel_error(grad, 2 * x) < 1e-8
    assert_gradient(2 * x, grad, name="d(x^2)/dx")
    with pytest.raises(AssertionError, match="relative error .* allowed < 1e-06"):
        assert_gradient(3 * x, grad, name="wrong")


FLIPPED = "a flipped kernel: slide w as it is"


def _diagnosis_of(got, expected, mistakes, **tol):
    with pytest.raises(AssertionError) as info:
        assert_close(got, expected, mistakes=mistakes, **tol)
    return str(info.value)


def test_a_failure_that_matches_a_mistake_names_it_after_the_numbers():
    expected = np.array([[1.0, 2.0], [3.0, 4.0]])
    flipped = expected[::-1, ::-1].copy()
    text = _diagnosis_of(flipped + 1e-12, expected, {FLIPPED: flipped}, rtol=1e-9)
    lines = text.splitlines()
    assert lines[0].startswith("output: worst at index")
    assert lines[1].strip() == f"This matches {FLIPPED}."
    assert lines[-1].strip().startswith("tolerance:")


def test_a_failure_that_matches_no_mistake_names_none():
    expected = np.array([1.0, 2.0, 3.0])
    assert "This matches" not in _diagnosis_of(expected + 0.5, expected, {FLIPPED: expected[::-1]})


def test_a_mistake_that_gives_the_right_answer_is_never_named():
    # A symmetric kernel: flipping changes nothing, so a wrong answer that happens to equal it is not that mistake.
    expected = np.array([1.0, 2.0, 1.0])
    text = _diagnosis_of(expected + 1e-3, expected, {FLIPPED: expected + 1e-13}, rtol=1e-6)
    assert "This matches" not in text


def test_a_right_answer_passes_whatever_mistakes_are_offered():
    expected = np.array([1.0, 2.0, 3.0])
    assert_close(expected.copy(), expected, mistakes={FLIPPED: expected[::-1]})
    assert_equal((1, 2), (1, 2), mistakes={"SAME's odd zero on the wrong side": (2, 1)})


def test_a_wrong_shape_that_matches_a_mistake_names_it():
    expected = np.zeros((1, 1, 3, 3))
    padded_twice = np.ones((1, 1, 5, 5))
    text = _diagnosis_of(padded_twice.copy(), expected, {"padding applied twice": padded_twice})
    assert text.splitlines()[0] == "output has shape (1, 1, 5, 5), expected (1, 1, 3, 3)"
    assert "This matches padding applied twice." in text


def test_assert_equal_names_a_matching_mistake():
    with pytest.raises(AssertionError) as info:
        assert_equal((1, 0), (0, 1), name="same_padding(6, 3, stride=2)", mistakes={"the odd zero before": (1, 0)})
    assert str(info.value).splitlines()[1].strip() == "This matches the odd zero before."
    with pytest.raises(AssertionError) as info:
        assert_equal((2, 2), (0, 1), mistakes={"the odd zero before": (1, 0)})
    assert "This matches" not in str(info.value)


def test_the_scoreboard_line_keeps_both_the_values_and_the_whole_diagnosis():
    from gradekit.harness.ledger import one_line

    expected = np.zeros((8, 96, 55, 55))
    expected[3, 17, 41, 12] = 1.0
    got = -expected
    diagnosis = "a flipped kernel (a true convolution, not cross-correlation): slide w over the input as it is"
    name = "conv2d(x, w, b, stride=4, padding='same') with x(8, 3, 227, 227), w(96, 3, 11, 11)"
    line = one_line(_diagnosis_of(got, expected, {diagnosis: got}, rtol=1e-6, name=name))
    assert "worst at index (3, 17, 41, 12): got -1, expected 1" in line
    assert line.endswith(f"elements differ. This matches {diagnosis}.")


def test_a_mistake_given_as_a_function_is_computed_only_once_the_comparison_fails():
    calls = []

    def flipped():
        calls.append(1)
        return np.array([3.0, 2.0, 1.0])

    expected = np.array([1.0, 2.0, 3.0])
    assert_close(expected.copy(), expected, mistakes={FLIPPED: flipped})
    assert not calls
    assert f"This matches {FLIPPED}." in _diagnosis_of(np.array([3.0, 2.0, 1.0]), expected, {FLIPPED: flipped})
    assert calls == [1]


def test_a_hidden_tests_diagnosis_is_redacted_with_the_rest_of_its_message():
    from gradekit.harness.ledger import Verdict, classify

    expected = np.array([1.0, 2.0, 3.0])
    with pytest.raises(AssertionError) as info:
        assert_close(expected[::-1].copy(), expected, mistakes={FLIPPED: expected[::-1]})
    verdict = classify(info.value, set())
    assert "This matches" in verdict.message
    hidden = Verdict(
        verdict.status, verdict.kind, verdict.message, hidden="test_conv2d_on_hidden_inputs", detail=verdict.detail
    )
    assert "This matches" not in hidden.public_message + hidden.public_detail
