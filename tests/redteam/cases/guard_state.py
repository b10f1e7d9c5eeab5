"""Reaches the guard's private state through the garbage collector and empties it, or replaces the
guard's functions, then calls the forbidden routine."""

QUESTION = "q2"
MODULE = "signal1d"
ATTACKED = ["q2.1", "q2.2"]
KEEPS = []
REASON = "must not tamper with the do-it-yourself checks (gc.get_objects)"  # in the attacked task's message: it failed for this reason

import gc as _gc
import sys as _sys

import numpy as _np


def _disarm():
    try:
        for obj in _gc.get_objects():
            if type(obj).__name__ in ("ForbiddenSet", "_NotifyingGuard", "Guard"):
                for attr in ("codes", "callables", "ops", "namespaces", "violations"):
                    if isinstance(getattr(obj, attr, None), (dict, list)):
                        getattr(obj, attr).clear()
    except Exception:
        pass
    guard = _sys.modules.get("gradekit.harness.guard")
    if guard is not None:
        guard.submission_frame = lambda frame: None


def correlate1d(x, w):
    _disarm()
    return _np.correlate(x, w, mode="valid")
