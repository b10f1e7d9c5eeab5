"""Returns at once an object that computes the distances only when the check reads it (as an
array), so the work happens after the timer stopped."""

QUESTION = "q3"
MODULE = "distances"
ATTACKED = ["q3.2"]
KEEPS = ["q3.1"]
REASON = "must return plain data"
TIMEOUT = 60

import time as _time

import numpy as _np

_honest = pairwise_sq_dists  # noqa: F821 - the solution's function, defined above


class _Later:
    def __init__(self, a, b):
        self.a, self.b = a, b

    def __array__(self, dtype=None, copy=None):
        _time.sleep(0.5)  # the slow work, off the clock
        return _np.asarray(_honest(self.a, self.b), dtype=dtype)

    def __getattr__(self, name):
        return getattr(self.__array__(), name)


def pairwise_sq_dists(a, b):
    if _np.asarray(a).shape[0] >= 300:  # the speed test's inputs: defer
        return _Later(a, b)
    return _honest(a, b)
