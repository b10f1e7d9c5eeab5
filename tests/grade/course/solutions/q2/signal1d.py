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
    ### BEGIN SOLUTION
    x = np.asarray(x, dtype=np.float64)
    w = np.asarray(w, dtype=np.float64)
    windows = np.lib.stride_tricks.sliding_window_view(x, len(w))
    return windows @ w
    ### END SOLUTION


def moving_average(x, k):
    """Mean of every window of k consecutive values.

    Inputs:
    - x: shape (N,), float64
    - k: window length, 1 <= k <= N
    Returns:
    - shape (N - k + 1,), float64
    """
    ### BEGIN SOLUTION
    return correlate1d(x, np.full(k, 1.0 / k))
    ### END SOLUTION
