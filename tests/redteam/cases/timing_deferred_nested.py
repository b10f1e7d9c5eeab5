"""Returns at once a list of lazy rows inside plain data: each row is computed only when the check
indexes it, after the timer stopped."""

QUESTION = "q3"
MODULE = "distances"
ATTACKED = ["q3.2"]
KEEPS = ["q3.1"]
REASON = "must return plain data"
TIMEOUT = 60

import time as _time

import numpy as _np

_honest = pairwise_sq_dists  # noqa: F821 - the solution's function, defined above


class _Row:
    def __init__(self, a, b, i):
        self.a, self.b, self.i = a, b, i

    def __array__(self, dtype=None, copy=None):
        _time.sleep(0.01)
        return _np.asarray(_honest(self.a[self.i : self.i + 1], self.b)[0], dtype=dtype)


def pairwise_sq_dists(a, b):
    if _np.asarray(a).shape[0] >= 300:  # the speed test's inputs: defer
        return [_Row(a, b, i) for i in range(len(a))]
    return _honest(a, b)
