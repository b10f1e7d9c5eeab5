"""Empties the guard's list of the submission's files when the module is imported (no guarded call
runs then, so nothing is watching), so that no frame looks like the student's; then calls the
forbidden routine."""

QUESTION = "q2"
MODULE = "signal1d"
ATTACKED = ["q2.1", "q2.2"]
KEEPS = []
REASON = ["must not tamper with the do-it-yourself checks", "must not call"]

import numpy as _np

try:
    from gradekit.harness import importer as _importer

    _importer.STATE.files.clear()
except Exception:
    pass


def correlate1d(x, w):
    return _np.correlate(x, w, mode="valid")
