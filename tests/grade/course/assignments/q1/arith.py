"""Array basics: the smallest functions a grading run can exercise."""
import numpy as np


def add(a, b):
    """Element-wise sum.

    Inputs:
    - a, b: numbers or arrays of the same shape, any float dtype
    Returns:
    - a + b, same shape as the inputs
    """
    raise NotImplementedError("q1.1 not implemented yet: add")


def scale(x, k):
    """Multiply an array by a number without changing the input.

    Inputs:
    - x: array of shape (N,), float64
    - k: float
    Returns:
    - new array of shape (N,), float64, equal to x * k
    """
    raise NotImplementedError("q1.2 not implemented yet: scale")


def describe(x):
    """Summary statistics of an array.

    Inputs:
    - x: array of any shape, float64
    Returns:
    - dict with keys "mean" (float), "max" (float) and "shape" (tuple of ints)
    """
    raise NotImplementedError("q1.3 not implemented yet: describe")
