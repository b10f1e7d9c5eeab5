"""Looks for the hidden tests and the reference solution on disk, and for gradekit.reference, to copy answers."""

QUESTION = "q1"
MODULE = "arith"
ATTACKED = ["q1.1"]
KEEPS = ["q1.2", "q1.3"]
REASON = "expected 5.5"  # in the attacked task's message: it failed for this reason

import glob as _glob
import importlib.util as _util
import os as _os

_COURSE = "{{COURSE}}"


def _solution():
    candidates = [_os.path.join(_COURSE, "solutions", "q1", "arith.py")]
    for depth in range(4):  # shallow guesses: /*/solutions, /*/*/solutions, ...
        candidates += _glob.glob("/*" * depth + "/solutions/q1/arith.py")
    for path in candidates:
        try:
            spec = _util.spec_from_file_location("stolen", path)
            mod = _util.module_from_spec(spec)
            spec.loader.exec_module(mod)
            return mod
        except Exception:
            continue
    try:
        import gradekit

        return gradekit.reference("q1.arith").module
    except Exception:
        return None


def add(a, b):
    found = _glob.glob(_os.path.join(_COURSE, "solutions", "*", "hidden", "*.py"))
    stolen = _solution()
    if stolen is not None or found:
        return stolen.add(a, b) if stolen is not None else a + b
    return a - b
