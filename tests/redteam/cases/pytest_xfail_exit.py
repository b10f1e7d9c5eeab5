"""pytest.xfail in one function, pytest.exit(returncode=0) in another."""

QUESTION = "q1"
MODULE = "arith"
ATTACKED = ["q1.1", "q1.2"]
KEEPS = ["q1.3"]
REASON = "XFailed"  # in the attacked task's message: it failed for this reason

import pytest as _pytest


def add(a, b):
    _pytest.xfail("expected to fail, so do not count it")


def scale(x, k):
    _pytest.exit("all good", returncode=0)
