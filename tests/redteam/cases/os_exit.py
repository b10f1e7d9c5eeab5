"""os._exit(0): the worker vanishes with status 0 in the middle of a test."""

QUESTION = "q1"
MODULE = "arith"
ATTACKED = ["q1.1"]
KEEPS = ["q1.2", "q1.3"]
REASON = "died (exit status 0)"  # in the attacked task's message: it failed for this reason

import os as _os


def add(a, b):
    _os._exit(0)
