"""Calls the forbidden routine in a do-it-yourself task, under another name."""

QUESTION = "q2"
MODULE = "signal1d"
ATTACKED = ["q2.1", "q2.2"]
KEEPS = []
REASON = "must not call numpy.correlate"  # in the attacked task's message: it failed for this reason

from numpy import correlate as _fast


def correlate1d(x, w):
    return _fast(x, w, mode="valid")
