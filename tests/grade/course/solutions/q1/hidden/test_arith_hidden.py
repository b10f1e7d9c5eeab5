"""Hidden tests of q1 (grading fixture): fresh values, and the reference solution as the oracle."""
import numpy as np
import pytest

import gradekit
from gradekit.testing import assert_close

arith = gradekit.submission("q1.arith")
reference = gradekit.reference("q1.arith")


@pytest.mark.task("q1.1")
def test_add_matches_reference():
    rng = np.random.default_rng(11)
    a, b = rng.standard_normal(7), rng.standard_normal(7)
    assert_close(arith.add(a, b), reference.add(a, b), name="add(a, b) of two 7-vectors")


@pytest.mark.task("q1.2")
def test_scale_negative():
    x = np.random.default_rng(12).standard_normal(6)
    assert_close(arith.scale(x, -2.5), reference.scale(x, -2.5), name="scale(x, -2.5)")


@pytest.mark.task("q1.3")
def test_describe_3d():
    x = np.random.default_rng(13).standard_normal((2, 3, 4))
    got, want = arith.describe(x), reference.describe(x)
    assert_close(got["mean"], want["mean"], name="describe(x)['mean'] of a 2x3x4 array")
    assert got["shape"] == want["shape"], "describe(x)['shape'] of a 2x3x4 array"
