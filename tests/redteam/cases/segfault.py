"""Crashes the worker with a segmentation fault."""

QUESTION = "q1"
MODULE = "arith"
ATTACKED = ["q1.1"]
KEEPS = ["q1.2", "q1.3"]
REASON = "SIGSEGV"  # in the attacked task's message: it failed for this reason

import ctypes as _ctypes


def add(a, b):
    _ctypes.string_at(0)
