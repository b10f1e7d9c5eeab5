"""Replaces the guard's list of the submission's files by an empty one at import time, and the
guard's frame test by one that never sees the student, then calls the forbidden routine."""

QUESTION = "q2"
MODULE = "signal1d"
ATTACKED = ["q2.1", "q2.2"]
KEEPS = []
REASON = "must not tamper with the do-it-yourself checks"

import sys as _sys

import numpy as _np

_importer = _sys.modules.get("gradekit.harness.importer")
_guard = _sys.modules.get("gradekit.harness.guard")
if _importer is not None:
    _importer.STATE.files = set()
if _guard is not None:
    _guard.submission_frame = lambda frame: None
    _guard.Guard._record = lambda self, name, frame: None


def correlate1d(x, w):
    return _np.correlate(x, w, mode="valid")
