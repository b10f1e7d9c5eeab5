"""Raises the stub's own "not implemented yet" error, with the hidden test's inputs in its message,
hoping that the message is shown as a stub's would be (it reaches every report for a visible test)."""

QUESTION = "q1"
MODULE = "arith"
ATTACKED = []  # its visible tests pass: the attack is on what the reports show, not on points
KEEPS = ["q1.2", "q1.3"]
NOT_IN_REPORTS = ["LEAK"]

_honest_add = add  # noqa: F821 - the solution's function, defined above


def add(a, b):
    if getattr(a, "shape", None) == (7,):  # only the hidden test's inputs
        raise NotImplementedError(f"q1.1 not implemented yet: add LEAK{list(a)}")
    return _honest_add(a, b)
