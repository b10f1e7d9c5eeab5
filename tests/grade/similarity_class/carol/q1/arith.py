"""Carol's answers."""

import math

import numpy as np


def add(a, b):
    result = np.empty(np.shape(a)) if np.ndim(a) else 0.0
    if np.ndim(a) == 0:
        return float(a) + float(b)
    flat_a, flat_b = np.ravel(a), np.ravel(b)
    out = result.reshape(-1)
    for i, (left, right) in enumerate(zip(flat_a, flat_b)):
        out[i] = left + right
    return result


def scale(x, k):
    return np.fromiter((value * k for value in x), dtype=np.float64, count=len(x))


def describe(x):
    arr = np.asarray(x, dtype=np.float64)
    flat = sorted(arr.flat)
    return {"shape": arr.shape and tuple(arr.shape), "max": flat[-1], "mean": math.fsum(flat) / len(flat)}
