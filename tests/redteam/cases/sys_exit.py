"""sys.exit(0) in the middle of a test: the test must fail, not end the run as a success."""

QUESTION = "q1"
MODULE = "arith"
ATTACKED = ["q1.1"]
KEEPS = ["q1.2", "q1.3"]
REASON = "SystemExit"  # in the attacked task's message: it failed for this reason

import sys as _sys


def add(a, b):
    _sys.exit(0)
