"""Hidden tests of q7.4, q7.5: batch sizes at the edges, a model already in evaluation mode, and a
training run on Fashion-MNIST, which the visible tests never use."""
import pytest
import torch

import gradekit
from gradekit import data, probes
from gradekit.checks import q7 as checks_q7
from gradekit.probes import q7 as probes_q7
from gradekit.testing import assert_equal

training = gradekit.submission("q7.training")

one_torch_thread = pytest.fixture(autouse=True)(checks_q7.one_torch_thread)


def fashion(n_train, n_val):
    """The first n_train + n_val Fashion-MNIST test images, normalized with the first n_train's statistics."""
    X, y = (torch.from_numpy(a) for a in data.as_arrays(data.fashion_mnist("test")))
    X, y = X[:n_train + n_val], y[:n_train + n_val]
    mean, std = X[:n_train].mean(), X[:n_train].std()
    X = (X - mean) / std
    return X[:n_train], y[:n_train], X[n_train:], y[n_train:]


@pytest.mark.task("q7.4")
def test_evaluate_with_batch_sizes_at_the_edges():
    g = torch.Generator().manual_seed(60)
    model = probes.seeded_call(training.SmallCNN, 61)
    probes.forward(model, 2 * torch.randn(8, 1, 28, 28, generator=g) - 1, train=True)  # move the BN statistics
    probes_q7.set_training(model, False)  # evaluate must leave a model in evaluation mode there too
    X, y = torch.randn(23, 1, 28, 28, generator=g), torch.randint(0, 10, (23,), generator=g)
    for batch_size in (1, 23, 100):
        what = f"evaluate(model, 23 images, batch_size={batch_size})"
        checks_q7.assert_evaluation(training.evaluate(model, X, y, batch_size), model, X, y, what)
    one = training.evaluate(model, X[:1], y[:1])
    checks_q7.assert_evaluation(one, model, X[:1], y[:1], "evaluate(model, one image)")
    assert_equal(probes.is_training(model), False, name="the training flag of a model in evaluation mode after evaluate")


@pytest.mark.task("q7.5")
def test_train_on_fashion_mnist_with_a_short_last_batch():
    X_train, y_train, X_val, y_val = fashion(700, 150)
    model = probes.seeded_call(training.SmallCNN, 62)
    # Ten classes at chance are 0.1; the reference reaches 0.75 to 0.81 here in 3 epochs (model seeds 62-64).
    checks_q7.assert_trains_and_records(training.train, model, X_train, y_train, X_val, y_val, 3, 0.03, 48, 2, 0.6,
                                        "train(SmallCNN, 700 Fashion-MNIST images, epochs=3, lr=0.03, batch_size=48, "
                                        "seed=2)")
