"""Probes for q10 (your own C++ kernel), and the trusted check that reads what they record.

q10's kernels must compute LRN themselves. The kit's do-it-yourself guard watches Python calls and
cannot see what C++ code calls, but every ATen operator call goes through torch's dispatcher, and a
Python TorchDispatchMode sees those made from an extension's C++ as well as those made from Python.
:func:`aten_calls` runs the student's function under such a mode where the function lives (in the
grading worker in grade mode) and returns the operators it saw; :func:`assert_computes_itself`
runs in the test's process on that plain list.
"""
from __future__ import annotations

from gradekit.probes import probe

# Operators that allocate, copy or re-describe memory without computing anything from the values:
# what a kernel needs to make its output and to get its input into NCHW order and the right dtype.
MEMORY_OPS = frozenset({
    "empty", "empty_like", "empty_strided", "new_empty", "new_empty_strided", "zeros", "zeros_like",
    "new_zeros", "fill_", "zero_", "clone", "contiguous", "copy_", "_to_copy", "to", "view",
    "_unsafe_view", "reshape", "alias", "detach", "as_strided", "resize_", "lift_fresh",
})


@probe
def aten_calls(fn, *args, **kwargs):
    """fn(*args, **kwargs) under a dispatch mode that records every operator reaching the dispatcher.

    Inputs:
    - fn: the function to run (the student's), then its arguments

    Returns:
    - (result, ops): fn's result, and the sorted distinct operator names it called, like
      'aten.empty_like' or 'gradekit.lrn' (namespace and name, overload dropped)
    """
    from torch.utils._python_dispatch import TorchDispatchMode

    seen: set[str] = set()

    class Record(TorchDispatchMode):
        def __torch_dispatch__(self, func, types, args=(), kwargs=None):
            seen.add(f"{func.namespace}.{func._opname}")
            return func(*args, **(kwargs or {}))

    with Record():
        result = fn(*args, **kwargs)
    return result, sorted(seen)


@probe
def public_callables(module) -> list[str]:
    """Sorted names of the callable attributes of ``module`` that do not start with an underscore.

    Inputs:
    - module: a module (the one the student's build() returns)

    Returns:
    - list of str
    """
    return sorted(name for name in dir(module) if not name.startswith("_") and callable(getattr(module, name)))


def computing_ops(ops: list[str]) -> list[str]:
    """The operators of ``ops`` that compute something (all but aten's memory operators)."""
    return [op for op in ops if not (op.startswith("aten.") and op[len("aten."):] in MEMORY_OPS)]


def assert_computes_itself(ops: list[str], call: str) -> None:
    """Fail when the recorded operators of ``call`` include one that computes (the C++ must do the math).

    Inputs:
    - ops: list of str, the second value returned by :func:`aten_calls`
    - call: str, the call in words, for the message
    """
    computing = computing_ops(ops)
    assert not computing, (
        f"{call} called {', '.join(computing)}: the kernel must compute LRN with its own loops over "
        "the data; only operators that allocate or lay out memory (empty_like, contiguous, ...) are allowed")
