"""Numeric checks fail on NaN: a comparison with NaN is false, so `if x > allowed: fail` lets NaN through."""

import math

import pytest
import torch

from gradekit.checks import q7 as checks_q7
from gradekit.probes import q7 as probes_q7

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
            p -= lr * p.grad
    return loss.item()


def test_the_probe_names_parameters_a_step_filled_with_nan():
    def nan_step(model, x, y, lr):
        loss = _sgd(model, x, y, lr)
        with torch.no_grad():
            model[1].weight.fill_(math.nan)
        return loss

    x, y = torch.randn(5, 4), torch.tensor([0, 1, 2, 0, 1])
    honest = probes_q7.sgd_step_agreement(_sgd, _net(), x, y, 0.1, seed=0)
    checks_q7.assert_sgd_step(honest, "train_step")
    result = probes_q7.sgd_step_agreement(nan_step, _net(), x, y, 0.1, seed=0)
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
        checks_q7.held_out_accuracy(None, math.nan, None, None, max_seconds=90, what="train_lenet5")
