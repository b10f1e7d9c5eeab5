"""Numeric checks fail on NaN: a comparison with NaN is false, so `if x > allowed: fail` lets NaN through."""

import math
import time

import pytest
import torch

from gradekit.checks import q7 as checks_q7
from gradekit.checks import twins

GOOD = {
    "loss": 1.0,
    "reference_loss": 1.0,
    "largest_update": 0.1,
    "max_difference": 0.0,
    "unchanged": [],
    "nonfinite": [],
}


def test_a_correct_sgd_step_passes():
    checks_q7.assert_sgd_step(dict(GOOD), "train_step")


@pytest.mark.parametrize(
    "field, value", [("max_difference", math.nan), ("max_difference", math.inf), ("nonfinite", ["fc.weight"])]
)
def test_a_nan_or_infinite_sgd_step_fails(field, value):
    with pytest.raises(AssertionError):
        checks_q7.assert_sgd_step({**GOOD, field: value}, "train_step")


def _net():
    torch.manual_seed(0)
    return torch.nn.Sequential(torch.nn.Flatten(), torch.nn.Linear(4, 3))


def _sgd(model, x, y, lr):
    loss = torch.nn.functional.cross_entropy(model(x), y)
    model.zero_grad()
    loss.backward()
    with torch.no_grad():
        for p in model.parameters():
            if p.grad is not None:
                p -= lr * p.grad
    return loss.item()


def test_the_probe_names_parameters_a_step_filled_with_nan():
    def nan_step(model, x, y, lr):
        loss = _sgd(model, x, y, lr)
        with torch.no_grad():
            model[1].weight.fill_(math.nan)
        return loss

    x, y = torch.randn(5, 4), torch.tensor([0, 1, 2, 0, 1])
    honest = twins.sgd_step_result(_sgd, _net(), _net(), x, y, 0.1, seed=0)
    checks_q7.assert_sgd_step(honest, "train_step")
    result = twins.sgd_step_result(nan_step, _net(), _net(), x, y, 0.1, seed=0)
    assert result["nonfinite"] == ["1.weight"]
    with pytest.raises(AssertionError, match="NaN or infinite values in these parameters"):
        checks_q7.assert_sgd_step(result, "train_step")


@pytest.mark.parametrize("epoch_time", [[math.nan, 0.1], [0.1, math.inf]])
def test_a_history_with_nan_epoch_times_fails(epoch_time):
    history = {k: [0.5, 0.4] for k in ("train_loss", "val_loss", "train_acc", "val_acc")}
    history["epoch_time"] = epoch_time
    with pytest.raises(AssertionError):
        checks_q7.assert_history(history, epochs=2, seconds=10.0)


def test_a_nan_training_time_is_over_the_limit():
    with pytest.raises(AssertionError, match="took nan s"):
        checks_q7.assert_in_time(math.nan, max_seconds=90, what="train_lenet5")


def test_the_twin_step_is_taken_here_and_catches_a_wrong_step():
    """sgd_step_result computes the reference step on the twin it is given: a step of twice the rate
    fails, one that skips a frozen parameter passes, and a model of another shape is named."""
    x, y = torch.randn(5, 4), torch.tensor([0, 1, 2, 0, 1])

    def double_step(model, x, y, lr):
        return _sgd(model, x, y, 2 * lr)

    with pytest.raises(AssertionError, match="differ from p - lr"):
        checks_q7.assert_sgd_step(twins.sgd_step_result(double_step, _net(), _net(), x, y, 0.1, seed=0), "train_step")
    frozen = _net()
    frozen[1].bias.requires_grad_(False)
    result = twins.sgd_step_result(_sgd, frozen, _net(), x, y, 0.1, seed=0)
    checks_q7.assert_sgd_step(result, "train_step")
    other = torch.nn.Sequential(torch.nn.Flatten(), torch.nn.Linear(4, 2))
    with pytest.raises(AssertionError, match="against the course's architecture"):
        twins.sgd_step_result(_sgd, other, _net(), x, y, 0.1, seed=0)


class _Deferred(torch.nn.Module):
    """A model whose training happens only when it is first run (or in a thread that run waits for)."""

    def __init__(self, seconds, thread=False):
        super().__init__()
        self.fc = torch.nn.Linear(4, 10)
        self.seconds, self.trained = seconds, None
        if thread:
            import threading

            self.trained = threading.Thread(target=time.sleep, args=(seconds,))
            self.trained.start()

    def forward(self, x):
        if self.trained is None:
            time.sleep(self.seconds)  # "training"
        else:
            self.trained.join()
        return self.fc(x.flatten(1))


@pytest.mark.parametrize("thread", [False, True], ids=["on first forward", "in a thread"])
def test_training_deferred_past_the_return_is_timed(thread):
    X, y = torch.randn(6, 4), torch.zeros(6, dtype=torch.int64)

    def train_fn(X, y, seed):
        return _Deferred(0.5, thread)

    with pytest.raises(AssertionError, match="took 0.[5-9] s"):
        checks_q7.train_and_score(train_fn, X, y, X, y, seed=0, max_seconds=0.3, check=lambda m, w: None, what="train")
