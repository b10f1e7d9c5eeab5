"""Array basics."""

import numpy as np


def add(a, b):
    first = np.asarray(a, dtype=np.float64)
    second = np.asarray(b, dtype=np.float64)
    if first.shape != second.shape:
        raise ValueError(f"shapes differ: {first.shape} and {second.shape}")
    return first + second


def scale(x, k):
    values = np.array(x, dtype=np.float64, copy=True)
    for index in range(values.shape[0]):
        values[index] = values[index] * k
    return values


def describe(x):
    data = np.asarray(x, dtype=np.float64)
    total = 0.0
    biggest = -np.inf
    for item in data.ravel():
        total += item
        if item > biggest:
            biggest = item
    count = data.size
    return {"mean": float(total / count), "max": float(biggest), "shape": tuple(int(n) for n in data.shape)}
