"""Slow (a 2.5 s pause per call) unless the same input objects come back: a cache keyed by id().

The cache holds the inputs too, so an id is never reused by a new array while its entry lives:
the answers stay right and only the timing is attacked."""

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
    hit = _cache.get(key)
    if hit is None or hit[0] is not a or hit[1] is not b:
        _time.sleep(2.5)
        hit = _cache[key] = (a, b, _honest(a, b))
    return hit[2]
