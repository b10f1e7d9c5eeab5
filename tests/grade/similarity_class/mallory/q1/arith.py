"""My own array functions (honest)."""

import numpy as np


def describe(arr):
    # summary of the array
    d = np.asarray(arr, dtype=np.float64)
    s = 0.0
    m = -np.inf
    for v in d.ravel():
        s += v
        if v > m:
            m = v
    n = d.size
    return {"mean": float(s / n), "max": float(m), "shape": tuple(int(z) for z in d.shape)}


def scale(vec, factor):
    # multiply each entry
    out = np.array(vec, dtype=np.float64, copy=True)
    for i in range(out.shape[0]):
        out[i] = out[i] * factor
    return out


def add(p, q):
    # sum of two arrays
    u = np.asarray(p, dtype=np.float64)
    w = np.asarray(q, dtype=np.float64)
    if u.shape != w.shape:
        raise ValueError(f"shapes differ: {u.shape} and {w.shape}")
    return u + w
