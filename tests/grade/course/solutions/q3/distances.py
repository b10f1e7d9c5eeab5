"""Squared Euclidean distances between two sets of points, vectorized."""
import numpy as np


def pairwise_sq_dists(a, b):
    """All squared distances between the rows of a and the rows of b.

    Inputs:
    - a: shape (N, D), float64
    - b: shape (M, D), float64
    Returns:
    - d: shape (N, M), float64, d[i, j] = sum_k (a[i, k] - b[j, k]) ** 2
    """
    ### BEGIN SOLUTION
    a = np.asarray(a, dtype=np.float64)
    b = np.asarray(b, dtype=np.float64)
    # |a - b|^2 = |a|^2 + |b|^2 - 2 a.b: one matrix product instead of an (N, M, D) temporary.
    d = (a * a).sum(1)[:, None] + (b * b).sum(1)[None, :] - 2.0 * (a @ b.T)
    return np.maximum(d, 0.0)
    ### END SOLUTION
