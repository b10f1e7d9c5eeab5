"""train_tinynet returns an untrained net at once and trains it on its first forward pass, after
the clock would have stopped. The test pulls the weights inside the timed window and scores them
on the course's own TinyNet, so the deferred training never happens."""

QUESTION = "q4"
MODULE = "tinynet"
ATTACKED = ["q4.4"]
KEEPS = ["q4.1", "q4.2", "q4.3"]
REASON = "accuracy"
TIMEOUT = 30

import time as _time

import torch as _torch


class _Lazy(TinyNet):  # noqa: F821 - TinyNet comes from the solution this is appended to
    def forward(self, x):
        if not getattr(self, "_trained", False):
            self._trained = True
            _time.sleep(6)  # past the 5 s limit, were it timed
            for _ in range(40):
                train_step(self, self._X, self._y, 0.5)  # noqa: F821
        return super().forward(x)


def train_tinynet(X, y, seed=0):
    _torch.manual_seed(seed)
    model = _Lazy()
    model._X, model._y = X, y
    return model
