"""1-D cross-correlation written by hand (no library convolution routines)."""
import numpy as np


def correlate1d(x, w):
    """Valid 1-D cross-correlation: out[i] = sum_j x[i + j] * w[j].

    Inputs:
    - x: signal, shape (N,), float64
    - w: filter, shape (K,), float64, K <= N
    Returns:
    - out: shape (N - K + 1,), float64
    """
    raise NotImplementedError("q2.1 not implemented yet: correlate1d")


def moving_average(x, k):
    """Mean of every window of k consecutive values.

    Inputs:
    - x: shape (N,), float64
    - k: window length, 1 <= k <= N
    Returns:
    - shape (N - k + 1,), float64
    """
    raise NotImplementedError("q2.2 not implemented yet: moving_average")
