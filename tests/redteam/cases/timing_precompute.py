"""Precomputes the answers for the inputs gradekit's speed test will draw (its seeds are in the source),
and looks them up by content; anything else takes the slow path."""

QUESTION = "q3"
MODULE = "distances"
ATTACKED = ["q3.2"]
KEEPS = ["q3.1"]
TIMEOUT = 60

import time as _time

import numpy as _np

_honest = pairwise_sq_dists  # noqa: F821 - the solution's function, defined above
_table = {}
for _seed in list(range(5)) + [1000]:
    _rng = _np.random.default_rng(_seed)
    _a, _b = _rng.standard_normal((300, 64)), _rng.standard_normal((200, 64))
    _table[float(_a[0, 0])] = _honest(_a, _b)


def pairwise_sq_dists(a, b):
    hit = _table.get(float(_np.asarray(a)[0, 0]))
    if hit is not None:
        return hit
    _time.sleep(2.5)
    return _honest(a, b)
