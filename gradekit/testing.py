"""Numeric assertions whose failures tell the student what was expected, what they gave, and where."""

from __future__ import annotations

from typing import Callable

import numpy as np


def _to_numpy(value, name: str) -> np.ndarray:
    """Arrays, tensors, numbers and nested lists become a float-or-int ndarray; anything else is an error."""
    if value is None:
        raise AssertionError(f"{name} is None (did the function forget to return?)")
    if hasattr(value, "detach") and hasattr(value, "cpu"):  # a torch tensor, without importing torch
        value = value.detach().cpu().numpy()
    try:
        arr = np.asarray(value)
    except Exception as exc:  # noqa: BLE001 - report any conversion failure as a wrong type
        raise AssertionError(f"{name} is a {type(value).__name__}, not an array ({exc})") from None
    if arr.dtype == object:
        raise AssertionError(f"{name} is a {type(value).__name__} that does not convert to a numeric array")
    return arr


def _fmt_shape(shape) -> str:
    return "(" + ", ".join(str(s) for s in shape) + ("," if len(shape) == 1 else "") + ")"


def assert_close(
    actual, expected, *, rtol: float = 1e-7, atol: float = 0.0, name: str = "output", check_dtype: bool = False
) -> None:
    """Assert ``|actual - expected| <= atol + rtol * |expected|`` element-wise, numpy's allclose rule.

    The failure names the shape or dtype mismatch plainly, or else the worst element (its index,
    the value got and the value expected), the number of elements off, and the tolerance used.
    """
    __tracebackhide__ = True
    exp = _to_numpy(expected, "the expected value")
    act = _to_numpy(actual, name)
    if act.shape != exp.shape:
        raise AssertionError(f"{name} has shape {_fmt_shape(act.shape)}, expected {_fmt_shape(exp.shape)}")
    if check_dtype and act.dtype != exp.dtype:
        raise AssertionError(f"{name} has dtype {act.dtype}, expected {exp.dtype}")
    if act.dtype.kind not in "biuf" or exp.dtype.kind not in "biuf":
        raise AssertionError(f"{name} has dtype {act.dtype}, expected a number type like {exp.dtype}")
    a = act.astype(np.float64)
    e = exp.astype(np.float64)
    diff = np.abs(a - e)
    allowed = atol + rtol * np.abs(e)
    bad = ~(diff <= allowed)  # NaN anywhere counts as bad
    bad &= ~(np.isnan(a) & np.isnan(e))  # ...unless both are NaN
    same_inf = np.isinf(a) & np.isinf(e) & (np.sign(a) == np.sign(e))
    bad &= ~same_inf
    n_bad = int(bad.sum())
    if n_bad == 0:
        return
    excess = np.where(bad, np.nan_to_num(diff - allowed, nan=np.inf, posinf=np.inf), -np.inf)
    worst = np.unravel_index(int(np.argmax(excess)), a.shape) if a.ndim else ()
    idx = tuple(int(i) for i in worst)
    where = f"worst at index {idx}: " if a.ndim else ""
    # What and where first, the tolerance last: the scoreboard keeps one line, cut at its width.
    raise AssertionError(
        f"{name}: {where}got {float(a[idx]):.10g}, expected {float(e[idx]):.10g} (|diff| = {diff[idx]:.3g}); "
        f"{n_bad:,} of {a.size:,} elements differ\n"
        f"  tolerance: |got - expected| <= atol + rtol*|expected|, rtol={rtol:g}, atol={atol:g}"
    )


def assert_equal(actual, expected, *, name: str = "output") -> None:
    """Exact equality for integers, shapes, counts and strings, with both values in the message."""
    __tracebackhide__ = True
    if isinstance(expected, (np.ndarray,)) or hasattr(expected, "detach"):
        assert_close(actual, expected, rtol=0, atol=0, name=name)
        return
    if actual != expected:
        raise AssertionError(f"{name} is {actual!r}, expected {expected!r}")


def rel_error(x, y) -> float:
    """CS231n's relative error: max |x - y| / max(1e-8, |x| + |y|)."""
    x = _to_numpy(x, "x").astype(np.float64)
    y = _to_numpy(y, "y").astype(np.float64)
    return float(np.max(np.abs(x - y) / np.maximum(1e-8, np.abs(x) + np.abs(y))))


def numeric_gradient(
    f: Callable[[np.ndarray], np.ndarray], x: np.ndarray, dout: np.ndarray, h: float = 1e-5
) -> np.ndarray:
    """Centered differences of ``sum(f(x) * dout)`` with respect to ``x`` (float64, one element at a time).

    ``f`` must read ``x`` at call time; ``x`` is restored after each probe.
    """
    grad = np.zeros_like(x, dtype=np.float64)
    it = np.nditer(x, flags=["multi_index"], op_flags=["readwrite"])
    while not it.finished:
        i = it.multi_index
        old = x[i]
        x[i] = old + h
        plus = np.asarray(f(x), dtype=np.float64)
        x[i] = old - h
        minus = np.asarray(f(x), dtype=np.float64)
        x[i] = old
        grad[i] = np.sum((plus - minus) * dout) / (2 * h)
        it.iternext()
    return grad


def assert_gradient(analytic, numeric, *, name: str = "gradient", tol: float = 1e-6) -> None:
    """Relative error between an analytic and a numeric gradient below ``tol`` (CS231n's check)."""
    __tracebackhide__ = True
    a = _to_numpy(analytic, name)
    n = _to_numpy(numeric, "the numeric gradient")
    if a.shape != n.shape:
        raise AssertionError(f"{name} has shape {_fmt_shape(a.shape)}, expected {_fmt_shape(n.shape)}")
    err = rel_error(a, n)
    if not err < tol:
        diff = np.abs(a.astype(np.float64) - n)
        idx = tuple(int(i) for i in np.unravel_index(int(np.argmax(diff)), a.shape)) if a.ndim else ()
        raise AssertionError(
            f"{name}: relative error {err:.2e} against the numeric gradient, allowed < {tol:.0e}\n"
            f"  worst at index {idx}: got {float(a[idx]):.10g}, numeric {float(n[idx]):.10g}"
        )
