"""Raises gradekit's own "missing name" error from inside the function, the hidden test's inputs
in its message: a kind of failure whose text the reports used to show as it came."""

QUESTION = "q1"
MODULE = "arith"
ATTACKED = []  # its visible tests pass: the attack is on what the reports show, not on points
KEEPS = ["q1.1", "q1.3"]
NOT_IN_REPORTS = ["LEAK"]

_honest_scale = scale  # noqa: F821 - the solution's function, defined above


def scale(x, k):
    if k < 0:  # only the hidden test calls it with a negative factor
        from gradekit.harness.importer import MissingNameError

        raise MissingNameError(f"scale LEAK{list(x)} k={k}")
    return _honest_scale(x, k)
