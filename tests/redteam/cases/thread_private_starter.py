"""Starts its thread through threading's private handle on the raw starter
(threading._start_new_thread, taken at import), another door around threading.setprofile."""

QUESTION = "q2"
MODULE = "signal1d"
ATTACKED = ["q2.1", "q2.2"]
KEEPS = []
REASON = "must not call numpy.correlate"

import threading as _threading

import numpy as _np

_start = _threading._start_new_thread


def correlate1d(x, w):
    box, done = [], _threading.Event()

    def run():
        try:
            box.append(_np.correlate(_np.asarray(x, dtype=float), _np.asarray(w, dtype=float), "valid"))
        finally:
            done.set()

    _start(run, ())
    done.wait()
    return box[0]
