"""Asks for 100 GB at once, then grows a list of buffers until something breaks."""

QUESTION = "q1"
MODULE = "arith"
ATTACKED = ["q1.1"]
KEEPS = ["q1.2", "q1.3"]
REASON = "MemoryError"  # in the attacked task's message: it failed for this reason

import numpy as _np


def add(a, b):
    try:
        _np.ones(100 * 2**30 // 8)
    except MemoryError:
        pass
    hoard = []
    while True:
        hoard.append(bytearray(256 * 2**20))
