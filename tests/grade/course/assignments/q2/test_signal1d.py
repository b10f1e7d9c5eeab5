"""Visible tests of q2 (grading fixture). numpy's correlate is the reference; the submission may not call it."""
import numpy as np
import pytest

import gradekit
from gradekit.testing import assert_close

sig = gradekit.submission("q2.signal1d")


@pytest.mark.task("q2.1")
def test_correlate1d_matches_numpy():
    rng = np.random.default_rng(1)
    x, w = rng.standard_normal(20), rng.standard_normal(4)
    assert_close(sig.correlate1d(x, w), np.correlate(x, w, mode="valid"), rtol=1e-10, atol=1e-12,
                 name="correlate1d(x, w), N=20, K=4")


@pytest.mark.task("q2.2")
def test_moving_average():
    x = np.array([1.0, 2.0, 3.0, 4.0, 5.0])
    assert_close(sig.moving_average(x, 2), [1.5, 2.5, 3.5, 4.5], name="moving_average([1..5], 2)")
