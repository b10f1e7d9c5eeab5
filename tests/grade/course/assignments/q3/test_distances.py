"""Visible tests of q3 (grading fixture)."""
import numpy as np
import pytest

import gradekit
from gradekit.testing import assert_close

dist = gradekit.submission("q3.distances")


def broadcast_sq_dists(a, b):
    """The plain reference: an (N, M, D) temporary, then a sum."""
    return ((a[:, None, :] - b[None, :, :]) ** 2).sum(-1)


@pytest.mark.task("q3.1")
def test_pairwise_small():
    a = np.array([[0.0, 0.0], [1.0, 1.0]])
    b = np.array([[1.0, 0.0], [0.0, 2.0], [3.0, 4.0]])
    assert_close(dist.pairwise_sq_dists(a, b), [[1.0, 4.0, 25.0], [1.0, 2.0, 13.0]], rtol=1e-12, atol=1e-12,
                 name="pairwise_sq_dists of 2 and 3 points in 2-D")


@pytest.mark.task("q3.2")
def test_pairwise_speed(speed):
    def make_inputs(seed):
        rng = np.random.default_rng(seed)
        return rng.standard_normal((300, 64)), rng.standard_normal((200, 64))

    speed(dist.pairwise_sq_dists, broadcast_sq_dists, make_inputs,
          check=lambda out, ref: assert_close(out, ref, rtol=1e-8, atol=1e-8, name="pairwise_sq_dists"))
