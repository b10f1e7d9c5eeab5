"""Slow (a 2.5 s pause per call) unless the same input objects come back: a cache keyed by id()."""

QUESTION = "q3"
MODULE = "distances"
ATTACKED = ["q3.2"]
KEEPS = ["q3.1"]
TIMEOUT = 60

import time as _time

_cache = {}
_honest = pairwise_sq_dists  # noqa: F821 - the solution's function, defined above


def pairwise_sq_dists(a, b):
    key = (id(a), id(b))
    if key not in _cache:
        _time.sleep(2.5)
        _cache[key] = _honest(a, b)
    return _cache[key]
