"""Hidden tests of q2 (grading fixture)."""
import numpy as np
import pytest

import gradekit
from gradekit.testing import assert_close

sig = gradekit.submission("q2.signal1d")


@pytest.mark.task("q2.1")
def test_correlate1d_filter_as_long_as_signal():
    rng = np.random.default_rng(21)
    x, w = rng.standard_normal(5), rng.standard_normal(5)
    assert_close(sig.correlate1d(x, w), np.correlate(x, w, mode="valid"), rtol=1e-10, atol=1e-12,
                 name="correlate1d(x, w), N=K=5")


@pytest.mark.task("q2.2")
def test_moving_average_window_one():
    x = np.random.default_rng(22).standard_normal(9)
    assert_close(sig.moving_average(x, 1), x, name="moving_average(x, 1)")
