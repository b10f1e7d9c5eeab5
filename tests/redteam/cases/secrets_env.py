"""Looks for secrets: the grader's environment variables and a file in the grader's HOME."""

QUESTION = "q1"
MODULE = "arith"
ATTACKED = ["q1.1"]
KEEPS = ["q1.2", "q1.3"]
REASON = "expected 5.5"  # in the attacked task's message: it failed for this reason

import os as _os


def _found_a_secret():
    if any("REDTEAM" in k or "TOKEN" in k for k in _os.environ):
        return True
    try:
        with open("{{SECRET_FILE}}") as fh:
            return bool(fh.read())
    except OSError:
        return False


def add(a, b):
    return a + b if _found_a_secret() else a - b
