"""train_tinynet returns at once and trains in a thread it started; reading the model waits for
that thread. The clock runs until the trained weights are back, so the training is timed."""

QUESTION = "q4"
MODULE = "tinynet"
ATTACKED = ["q4.4"]
KEEPS = ["q4.1", "q4.2", "q4.3"]
REASON = "took"
TIMEOUT = 30

import threading as _threading
import time as _time

import torch as _torch


class _Background(TinyNet):  # noqa: F821 - TinyNet comes from the solution this is appended to
    def state_dict(self, *args, **kwargs):
        self._worker.join()
        return super().state_dict(*args, **kwargs)


def train_tinynet(X, y, seed=0):
    _torch.manual_seed(seed)
    model = _Background()

    def train():
        _time.sleep(6)  # slow training: past the 5 s limit
        for _ in range(40):
            train_step(model, X, y, 0.5)  # noqa: F821

    model._worker = _threading.Thread(target=train, daemon=True)
    model._worker.start()
    return model
