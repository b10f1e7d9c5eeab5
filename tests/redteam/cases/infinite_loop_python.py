"""Loops forever in Python."""

QUESTION = "q1"
MODULE = "arith"
ATTACKED = ["q1.1"]
KEEPS = ["q1.2", "q1.3"]
REASON = "timed out"  # in the attacked task's message: it failed for this reason


def add(a, b):
    while True:
        pass
