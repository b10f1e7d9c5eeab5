"""Array basics: the smallest functions a grading run can exercise."""
import numpy as np


def add(a, b):
    """Element-wise sum.

    Inputs:
    - a, b: numbers or arrays of the same shape, any float dtype
    Returns:
    - a + b, same shape as the inputs
    """
    ### BEGIN SOLUTION
    return np.add(a, b)
    ### END SOLUTION


def scale(x, k):
    """Multiply an array by a number without changing the input.

    Inputs:
    - x: array of shape (N,), float64
    - k: float
    Returns:
    - new array of shape (N,), float64, equal to x * k
    """
    ### BEGIN SOLUTION
    return np.asarray(x, dtype=np.float64) * k
    ### END SOLUTION


def describe(x):
    """Summary statistics of an array.

    Inputs:
    - x: array of any shape, float64
    Returns:
    - dict with keys "mean" (float), "max" (float) and "shape" (tuple of ints)
    """
    ### BEGIN SOLUTION
    x = np.asarray(x, dtype=np.float64)
    return {"mean": float(x.mean()), "max": float(x.max()), "shape": tuple(int(s) for s in x.shape)}
    ### END SOLUTION
