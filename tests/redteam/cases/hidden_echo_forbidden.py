"""Raises the worker's own "forbidden call" error, the hidden test's inputs in its message, so that
the trusted side reports it as a guard violation with the text the submission chose."""

QUESTION = "q1"
MODULE = "arith"
ATTACKED = []  # its visible tests pass: the attack is on what the reports show, not on points
KEEPS = ["q1.1", "q1.2"]
NOT_IN_REPORTS = ["LEAK"]

_honest_describe = describe  # noqa: F821 - the solution's function, defined above


def describe(x):
    if getattr(x, "ndim", 0) == 3:  # only the hidden test's 2x3x4 array
        from gradekit.sandbox.worker.server import Forbidden

        raise Forbidden(f"describe LEAK{x.ravel()[:4].tolist()}")
    return _honest_describe(x)
