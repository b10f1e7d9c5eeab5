"""Switches the do-it-yourself guard off (sys.setprofile(None), threading.setprofile(None)), then calls
the forbidden routine."""

QUESTION = "q2"
MODULE = "signal1d"
ATTACKED = ["q2.1", "q2.2"]
KEEPS = []
REASON = "must not tamper with the do-it-yourself checks (sys.setprofile)"  # in the attacked task's message: it failed for this reason

import sys as _sys
import threading as _threading

import numpy as _np


def correlate1d(x, w):
    try:
        _sys.setprofile(None)
        _threading.setprofile(None)
    except Exception:
        pass
    return _np.correlate(x, w, mode="valid")
