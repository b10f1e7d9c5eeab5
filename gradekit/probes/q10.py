"""Probes for q10 (your own C++ kernel): they run where the student's function lives.

q10's kernels must compute LRN themselves. The kit's do-it-yourself guard watches Python calls and
cannot see what C++ code calls, but every ATen operator call goes through torch's dispatcher, and a
Python TorchDispatchMode sees those made from an extension's C++ as well as those made from Python.
:func:`aten_calls` runs the student's function under such a mode where the function lives (in the
grading worker in grade mode) and returns the operators it saw; gradekit.checks.q10 judges that
plain list in the test's process.
"""

from __future__ import annotations

from gradekit.probes import probe


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
