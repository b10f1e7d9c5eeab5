"""Runs the forbidden routine in a thread started with the low-level _thread module, which
threading.setprofile does not reach, and waits for it with a lock."""

QUESTION = "q2"
MODULE = "signal1d"
ATTACKED = ["q2.1", "q2.2"]
KEEPS = []
REASON = "must not call numpy.correlate"

import _thread as _t

import numpy as _np


def _in_thread(fn, *args):
    box, done = [], _t.allocate_lock()
    done.acquire()

    def run():
        try:
            box.append(fn(*args))
        finally:
            done.release()

    _t.start_new_thread(run, ())
    done.acquire()
    return box[0]


def correlate1d(x, w):
    return _in_thread(_np.correlate, _np.asarray(x, dtype=float), _np.asarray(w, dtype=float), "valid")
