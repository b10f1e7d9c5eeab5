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


def _compiled_here(fn) -> str | None:
    """'module.function' when ``fn`` is a pybind11 function of a C extension compiled outside the
    Python installation and gradekit (one the submission built, as load_inline does), else None."""
    import os
    import sys

    import gradekit

    name = getattr(fn, "__module__", None)
    if not isinstance(name, str) or not type(getattr(fn, "__self__", None)).__name__.startswith("pybind11_"):
        return None  # not a function that pybind11 (load_inline's bindings) made
    module = sys.modules.get(name) or sys.modules.get(name.split(".")[0])
    if module is None:
        # load_inline loads the library it compiled without registering it in sys.modules, where
        # every module and package the interpreter imported is: a module of its own, loaded by hand.
        return f"{name}.{getattr(fn, '__name__', '?')}"
    path = getattr(module, "__file__", None) or ""
    installed = {sys.prefix, sys.base_prefix, os.path.dirname(gradekit.__file__)}
    real = os.path.realpath(path)
    if not path.endswith((".so", ".pyd")) or any(real.startswith(os.path.realpath(p) + os.sep) for p in installed):
        return None  # torch's, numpy's or gradekit's own bindings (torch._ops.aten is torch's)
    return f"{module.__name__}.{getattr(fn, '__name__', '?')}"


@probe
def aten_calls(fn, *args, **kwargs):
    """fn(*args, **kwargs) under a dispatch mode that records every operator reaching the dispatcher,
    and a profile hook that records the compiled functions it calls.

    Inputs:
    - fn: the function to run (the student's), then its arguments

    Returns:
    - (result, ops, compiled): fn's result; the sorted distinct operator names it called, like
      'aten.empty_like' or 'gradekit.lrn' (namespace and name, overload dropped); and the sorted
      'module.function' names of the functions of the submission's own C extensions it called
    """
    import sys

    from torch.utils._python_dispatch import TorchDispatchMode

    seen: set[str] = set()
    compiled: set[str] = set()

    class Record(TorchDispatchMode):
        def __torch_dispatch__(self, func, types, args=(), kwargs=None):
            seen.add(f"{func.namespace}.{func._opname}")
            return func(*args, **(kwargs or {}))

    previous = sys.getprofile()

    def on_call(frame, event, arg):
        if event == "c_call":
            name = _compiled_here(arg)
            if name:
                compiled.add(name)
        if previous is not None:  # the do-it-yourself guard's hook, when one is armed, keeps watching
            previous(frame, event, arg)

    sys.setprofile(on_call)
    try:
        with Record():
            result = fn(*args, **kwargs)
    finally:
        sys.setprofile(previous)
    return result, sorted(seen), sorted(compiled)


@probe
def public_callables(module) -> list[str]:
    """Sorted names of the callable attributes of ``module`` that do not start with an underscore.

    Inputs:
    - module: a module (the one the student's build() returns)

    Returns:
    - list of str
    """
    return sorted(name for name in dir(module) if not name.startswith("_") and callable(getattr(module, name)))
