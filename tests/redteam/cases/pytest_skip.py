"""Asks pytest to skip the test (a skipped test must not count as passed, nor be left out)."""

QUESTION = "q1"
MODULE = "arith"
ATTACKED = ["q1.1"]
KEEPS = ["q1.2", "q1.3"]
REASON = "Skipped"  # in the attacked task's message: it failed for this reason

import pytest as _pytest


def add(a, b):
    _pytest.skip("nothing to see here")
