"""Overwrites its input with zeros and returns zeros: in-process, an expected value computed from the
same array afterwards would agree."""

QUESTION = "q1"
MODULE = "arith"
ATTACKED = ["q1.2"]
KEEPS = ["q1.1", "q1.3"]
REASON = "elements differ"  # in the attacked task's message: it failed for this reason


def scale(x, k):
    x[...] = 0.0
    return x.copy()
