"""Loops forever in machine code called through ctypes: no Python signal handler can interrupt it."""

QUESTION = "q1"
MODULE = "arith"
ATTACKED = ["q1.1"]
KEEPS = ["q1.2", "q1.3"]
REASON = "timed out"  # in the attacked task's message: it failed for this reason

import ctypes as _ctypes
import mmap as _mmap


def add(a, b):
    page = _mmap.mmap(-1, 4096, prot=_mmap.PROT_READ | _mmap.PROT_WRITE | _mmap.PROT_EXEC)
    page.write(b"\xeb\xfe")  # x86-64: jmp to itself
    addr = _ctypes.addressof(_ctypes.c_char.from_buffer(page))
    _ctypes.CFUNCTYPE(None)(addr)()
