"""Numeric assertions whose failures tell the student what was expected, what they gave, and where."""

from __future__ import annotations

from typing import Callable, Mapping

import numpy as np

# Every diagnosis sentence starts so; the ledger keeps that line on the scoreboard beside the numbers.
DIAGNOSIS_PREFIX = "This matches"


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


def _off(a: np.ndarray, e: np.ndarray, rtol: float, atol: float) -> tuple[np.ndarray, np.ndarray]:
    """|a - e| and the mask of elements outside numpy's allclose rule (NaN counts, unless both are NaN)."""
    diff = np.abs(a - e)
    bad = ~(diff <= atol + rtol * np.abs(e))
    bad &= ~(np.isnan(a) & np.isnan(e))
    bad &= ~(np.isinf(a) & np.isinf(e) & (np.sign(a) == np.sign(e)))
    return diff, bad


def _as_floats(value) -> np.ndarray | None:
    """A mistake's output as float64, or None when it is not numeric (it can then match nothing)."""
    try:
        arr = _to_numpy(value, "a mistake's output")
    except AssertionError:
        return None
    return arr.astype(np.float64) if arr.dtype.kind in "biuf" else None


def diagnosis(got, expected, mistakes: Mapping[str, object] | None, *, rtol: float, atol: float) -> str:
    """The sentence naming the mistake whose output ``got`` matches, or "" when none does.

    ``mistakes`` maps a description ("a flipped kernel (...): what to do instead") to the output
    that mistake gives on the test's inputs, computed by the test from a trusted reference (or a
    function of no arguments that computes it, called only once the comparison has failed). A
    mistake whose output is itself within tolerance of ``expected`` cannot be told apart from a
    right answer on these inputs, so it is never named: a correct submission that is off for
    another reason must not be told it made it.
    """
    if not mistakes:
        return ""
    g, e = _as_floats(got), _as_floats(expected)
    if g is None or e is None:
        return ""
    for what, output in mistakes.items():
        m = _as_floats(output() if callable(output) else output)
        if m is None or m.shape != g.shape:
            continue
        if m.shape == e.shape and not _off(m, e, rtol, atol)[1].any():
            continue  # the mistake gives the right answer here
        if not _off(g, m, rtol, atol)[1].any():
            return f"{DIAGNOSIS_PREFIX} {what}."
    return ""


def assert_close(
    actual,
    expected,
    *,
    rtol: float = 1e-7,
    atol: float = 0.0,
    name: str = "output",
    check_dtype: bool = False,
    mistakes: Mapping[str, object] | None = None,
) -> None:
    """Assert ``|actual - expected| <= atol + rtol * |expected|`` element-wise, numpy's allclose rule.

    The failure names the shape or dtype mismatch plainly, or else the worst element (its index,
    the value got and the value expected), the number of elements off, and the tolerance used.
    ``mistakes`` (see ``diagnosis``) adds one sentence naming the classic error the values match.
    """
    __tracebackhide__ = True
    exp = _to_numpy(expected, "the expected value")
    act = _to_numpy(actual, name)
    if act.shape != exp.shape:
        why = diagnosis(act, exp, mistakes, rtol=rtol, atol=atol)  # padding applied twice changes the shape
        raise AssertionError(
            f"{name} has shape {_fmt_shape(act.shape)}, expected {_fmt_shape(exp.shape)}"
            + (f"\n  {why}" if why else "")
        )
    if check_dtype and act.dtype != exp.dtype:
        raise AssertionError(f"{name} has dtype {act.dtype}, expected {exp.dtype}")
    if act.dtype.kind not in "biuf" or exp.dtype.kind not in "biuf":
        raise AssertionError(f"{name} has dtype {act.dtype}, expected a number type like {exp.dtype}")
    a = act.astype(np.float64)
    e = exp.astype(np.float64)
    diff, bad = _off(a, e, rtol, atol)
    allowed = atol + rtol * np.abs(e)
    n_bad = int(bad.sum())
    if n_bad == 0:
        return
    excess = np.where(bad, np.nan_to_num(diff - allowed, nan=np.inf, posinf=np.inf), -np.inf)
    worst = np.unravel_index(int(np.argmax(excess)), a.shape) if a.ndim else ()
    idx = tuple(int(i) for i in worst)
    where = f"worst at index {idx}: " if a.ndim else ""
    # What and where first, the tolerance last: the scoreboard keeps one line, cut at its width.
    # The diagnosis follows the numbers on a line of its own, which the scoreboard keeps (ledger.py).
    why = diagnosis(a, e, mistakes, rtol=rtol, atol=atol)
    raise AssertionError(
        f"{name}: {where}got {float(a[idx]):.10g}, expected {float(e[idx]):.10g} (|diff| = {diff[idx]:.3g}); "
        f"{n_bad:,} of {a.size:,} elements differ\n"
        + (f"  {why}\n" if why else "")
        + f"  tolerance: |got - expected| <= atol + rtol*|expected|, rtol={rtol:g}, atol={atol:g}"
    )


def assert_equal(actual, expected, *, name: str = "output", mistakes: Mapping[str, object] | None = None) -> None:
    """Exact equality for integers, shapes, counts and strings, with both values in the message.

    ``mistakes`` maps a description to the value that mistake gives; a match adds the sentence.
    """
    __tracebackhide__ = True
    if isinstance(expected, (np.ndarray,)) or hasattr(expected, "detach"):
        assert_close(actual, expected, rtol=0, atol=0, name=name, mistakes=mistakes)
        return
    if actual != expected:
        values = {what: v() if callable(v) else v for what, v in (mistakes or {}).items()}
        why = next((f"{DIAGNOSIS_PREFIX} {what}." for what, v in values.items() if v != expected and actual == v), "")
        raise AssertionError(f"{name} is {actual!r}, expected {expected!r}" + (f"\n  {why}" if why else ""))


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
