"""Visible tests of q1 (grading fixture)."""
import numpy as np
import pytest

import gradekit
from gradekit.testing import assert_close, assert_equal

arith = gradekit.submission("q1.arith")


@pytest.mark.task("q1.1")
def test_add_numbers():
    assert_equal(arith.add(2.0, 3.5), 5.5, name="add(2.0, 3.5)")


@pytest.mark.task("q1.1")
def test_add_arrays():
    rng = np.random.default_rng(0)
    a, b = rng.standard_normal((3, 4)), rng.standard_normal((3, 4))
    assert_close(arith.add(a, b), a + b, name="add(a, b) of two 3x4 arrays")


@pytest.mark.task("q1.2")
def test_scale():
    x = np.arange(5.0)
    out = arith.scale(x, 3.0)
    # The expected value is computed after the call on purpose: a submission that changed x in
    # place would change it too, in-process. Grade mode passes a copy, so that cannot work there.
    assert_close(out, x * 3.0, name="scale(arange(5), 3.0)")


@pytest.mark.task("q1.3")
def test_describe():
    x = np.array([[1.0, 5.0], [3.0, -1.0]])
    got = arith.describe(x)
    assert_equal(sorted(got), ["max", "mean", "shape"], name="keys of describe(x)")
    assert_close(got["mean"], 2.0, name="describe(x)['mean']")
    assert_close(got["max"], 5.0, name="describe(x)['max']")
    assert_equal(got["shape"], (2, 2), name="describe(x)['shape']")
