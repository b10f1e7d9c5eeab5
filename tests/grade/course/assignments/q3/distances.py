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
    raise NotImplementedError("q3.1 not implemented yet: pairwise_sq_dists")
