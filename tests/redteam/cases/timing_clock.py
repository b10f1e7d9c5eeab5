"""Slow, and patches every clock so that it looks fast: time.perf_counter(_ns), monotonic, time."""

QUESTION = "q3"
MODULE = "distances"
ATTACKED = ["q3.2"]
KEEPS = ["q3.1"]
TIMEOUT = 60

import time as _time

_honest = pairwise_sq_dists  # noqa: F821 - the solution's function, defined above
_real_sleep = _time.sleep
_frozen = _time.perf_counter_ns()
for _name in ("perf_counter", "monotonic", "time", "process_time"):
    setattr(_time, _name, lambda: _frozen / 1e9)
for _name in ("perf_counter_ns", "monotonic_ns", "time_ns", "process_time_ns"):
    setattr(_time, _name, lambda: _frozen)


def pairwise_sq_dists(a, b):
    _real_sleep(2.5)
    return _honest(a, b)
