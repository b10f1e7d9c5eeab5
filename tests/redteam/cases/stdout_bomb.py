"""Floods stdout and stderr (hundreds of megabytes), then answers wrongly."""

QUESTION = "q1"
MODULE = "arith"
ATTACKED = ["q1.1"]
KEEPS = ["q1.2", "q1.3"]
REASON = "expected 5.5"  # in the attacked task's message: it failed for this reason

import os as _os
import sys as _sys


def add(a, b):
    line = "y" * 1023 + "\n"
    chunk = line * 1024
    for _ in range(150):
        _sys.stdout.write(chunk)
        _os.write(2, chunk.encode())
    _sys.stdout.flush()
    return a - b
