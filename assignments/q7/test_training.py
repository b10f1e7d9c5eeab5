"""q7.4, q7.5: evaluation and the training loop.

Losses and accuracies are recomputed here from the logits the model gives in evaluation mode
(gradekit.probes.forward) with torch's cross-entropy; the digits come from gradekit.data."""
import pytest
import torch

import gradekit
from gradekit import probes
from gradekit.checks import mistakes, twins
from gradekit.checks import q7 as checks_q7
from gradekit.testing import assert_close, assert_equal

training = gradekit.submission("q7.training")

one_torch_thread = pytest.fixture(autouse=True)(checks_q7.one_torch_thread)


def digits(n_train, n_val, seed):
    """n_train + n_val training digits drawn at random, normalized with the n_train digits' statistics."""
    X, y = checks_q7.mnist_tensors("train")
    order = torch.randperm(len(X), generator=torch.Generator().manual_seed(seed))
    fit, val = order[:n_train], order[n_train:n_train + n_val]
    mean, std = X[fit].mean(), X[fit].std()
    return (X[fit] - mean) / std, y[fit], (X[val] - mean) / std, y[val]


@pytest.mark.task("q7.4")
def test_evaluate_gives_the_evaluation_mode_loss():
    # No dropout in this SmallCNN, so the modes differ by batch norm alone: the batch's statistics in
    # training mode, the running ones in evaluation mode. Both losses are computed here, on the given
    # SmallCNN with the model's weights and statistics, before evaluate runs.
    g = torch.Generator().manual_seed(24)
    model = probes.seeded_call(training.SmallCNN, 25, 10, 0.0)
    probes.forward(model, 3 * torch.randn(16, 1, 28, 28, generator=g) + 1, train=True)  # move the statistics
    X, y = torch.randn(30, 1, 28, 28, generator=g), torch.randint(0, 10, (30,), generator=g)
    twin = twins.course_model(model, "q7.training", "SmallCNN", 10, 0.0)
    twin.load_state_dict(probes.state_dict(model))
    with torch.no_grad():
        eval_logits = twin.eval()(X)
        train_logits = torch.cat([twin.train()(X[i:i + 10]) for i in range(0, 30, 10)])
    got = training.evaluate(model, X, y, 10)
    what = "evaluate(SmallCNN without dropout, 30 images, batch_size=10)"
    checks_q7.assert_evaluation_types(got, what)
    assert_close(got[0], float(torch.nn.functional.cross_entropy(eval_logits, y)), rtol=1e-5, atol=1e-7,
                 name=f"{what}: the mean cross-entropy",
                 mistakes={mistakes.EVALUATED_IN_TRAINING_MODE: float(torch.nn.functional.cross_entropy(train_logits, y))})


@pytest.mark.task("q7.4")
def test_evaluate_uses_evaluation_mode_and_changes_nothing():
    g = torch.Generator().manual_seed(20)
    model = probes.seeded_call(training.SmallCNN, 21)
    # A training-mode pass moves the batch-norm running statistics away from their initial 0 and 1,
    # so training-mode and evaluation-mode outputs differ clearly.
    probes.forward(model, 3 * torch.randn(16, 1, 28, 28, generator=g) + 1, train=True)
    X, y = torch.randn(50, 1, 28, 28, generator=g), torch.randint(0, 10, (50,), generator=g)
    before = probes.state_dict(model)
    checks_q7.assert_evaluation(training.evaluate(model, X, y, 7), model, X, y, "evaluate(model, X, y, batch_size=7)")
    after = probes.state_dict(model)
    for key, value in before.items():
        assert_equal(after[key], value, name=f"the model's {key} after evaluate (evaluation changes no weight or statistic)")
    assert_equal(probes.is_training(model), True, name="the model's training flag after evaluate (put it back)")


@pytest.mark.task("q7.4")
def test_evaluate_counts_correct_predictions():
    g = torch.Generator().manual_seed(22)
    model = probes.seeded_call(training.SmallCNN, 23)
    X = torch.randn(40, 1, 28, 28, generator=g)
    predicted = probes.forward(model, X).argmax(dim=1)
    # Labels that agree with the model's own prediction on exactly the first 30 items: accuracy 0.75.
    y = torch.cat([predicted[:30], (predicted[30:] + 1) % 10])
    loss, acc = training.evaluate(model, X, y)
    assert_close(acc, 0.75, rtol=0, atol=1e-12, name="evaluate(...) accuracy when 30 of 40 predictions are right")
    checks_q7.assert_evaluation((loss, acc), model, X, y, "evaluate(model, X, y)")


@pytest.mark.task("q7.5")
def test_train_learns_and_records_each_epoch():
    X_train, y_train, X_val, y_val = digits(1000, 200, seed=30)
    model = probes.seeded_call(training.SmallCNN, 31)
    # The reference reaches 0.97 to 0.99 on these 200 digits; a loop that learns reaches 0.9 easily.
    checks_q7.assert_trains_and_records(training.train, model, X_train, y_train, X_val, y_val, 3, 0.05, 64, 0, 0.9,
                                        "train(SmallCNN, 1,000 digits, epochs=3, lr=0.05, batch_size=64, seed=0)")


@pytest.mark.task("q7.5")
def test_train_is_repeatable_under_its_seed():
    X_train, y_train, X_val, y_val = digits(600, 150, seed=32)
    runs = {}
    for name, seed in (("first", 4), ("again", 4), ("other", 5)):
        model = probes.seeded_call(training.SmallCNN, 33)  # the same initial weights for all three
        runs[name] = (model, training.train(model, X_train, y_train, X_val, y_val, 2, 0.05, 32, seed))
    (first, h1), (again, h2), (_, h3) = runs["first"], runs["again"], runs["other"]
    checks_q7.assert_loss_falls(h1, "train(..., epochs=2, seed=4)")
    for key in ("train_loss", "train_acc", "val_loss", "val_acc"):
        assert_close(h2[key], h1[key], rtol=1e-5, atol=1e-7, name=f"history['{key}'] of a second run with seed 4")
    state1, state2 = probes.state_dict(first), probes.state_dict(again)
    for key, value in state1.items():
        assert_close(state2[key], value, rtol=1e-4, atol=1e-6, name=f"{key} after a second run with seed 4")
    assert h3["train_loss"] != h1["train_loss"], "seeds 4 and 5 gave the same training run: the batch order must follow the seed"
