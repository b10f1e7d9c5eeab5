"""Hidden tests of q3 (grading fixture)."""
import numpy as np
import pytest

import gradekit
from gradekit.testing import assert_close

dist = gradekit.submission("q3.distances")


@pytest.mark.task("q3.1")
def test_pairwise_one_point_each():
    rng = np.random.default_rng(31)
    a, b = rng.standard_normal((1, 5)), rng.standard_normal((1, 5))
    assert_close(dist.pairwise_sq_dists(a, b), [[float(((a - b) ** 2).sum())]], rtol=1e-10, atol=1e-12,
                 name="pairwise_sq_dists of one point each in 5-D")
