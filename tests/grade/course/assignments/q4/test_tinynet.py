"""Visible tests of q4 (grading fixture): the model is looked at only through probes and calls."""
import pytest
import torch
import torch.nn.functional as F

import gradekit
from gradekit import probes
from gradekit.checks import q7 as checks_q7
from gradekit.checks import twins
from gradekit.testing import assert_close, assert_equal

net = gradekit.submission("q4.tinynet")


@pytest.mark.task("q4.1")
def test_parameter_count():
    # conv: 4*1*3*3 weights + 4 biases = 40; linear: 144*10 + 10 = 1450.
    assert_equal(probes.param_count(net.TinyNet()), 1490, name="parameters of TinyNet()")


@pytest.mark.task("q4.1")
def test_layers_in_order():
    assert_equal(probes.module_classes(net.TinyNet()), [("conv", "Conv2d"), ("relu", "ReLU"), ("fc", "Linear")],
                 name="submodules of TinyNet()")


@pytest.mark.task("q4.2")
def test_forward_matches_functional():
    model = net.TinyNet()
    weights = probes.state_dict(model)
    x = torch.randn(2, 1, 8, 8, generator=torch.Generator().manual_seed(4))
    h = F.relu(F.conv2d(x, weights["conv.weight"], weights["conv.bias"]))
    expected = F.linear(h.flatten(1), weights["fc.weight"], weights["fc.bias"])
    assert_close(probes.forward(model, x), expected, rtol=1e-5, atol=1e-6, name="TinyNet()(x) for x of shape (2, 1, 8, 8)")


def toy_images(n, seed):
    """n 8x8 images of two kinds the net tells apart easily: class = which half of the image is bright."""
    g = torch.Generator().manual_seed(seed)
    y = torch.randint(0, 2, (n,), generator=g)
    x = 0.1 * torch.randn(n, 1, 8, 8, generator=g)
    x[y == 0, :, :4] += 1.0
    x[y == 1, :, 4:] += 1.0
    return x, y


@pytest.mark.task("q4.3")
def test_train_step_is_one_sgd_step():
    # The step is taken again here, on the course's own TinyNet: nothing the submission runs decides it.
    model = net.TinyNet()
    torch.manual_seed(5)
    twin = twins.course_model(model, "q4.tinynet", "TinyNet")
    x, y = toy_images(6, seed=6)
    result = twins.sgd_step_result(net.train_step, model, twin, x, y, 0.1, seed=7)
    checks_q7.assert_sgd_step(result, "train_step(TinyNet(), 6 images, lr=0.1)")


@pytest.mark.task("q4.4")
def test_train_tinynet_learns_within_its_time():
    # The trained weights are scored on the course's own TinyNet: the submission never sees these images.
    X, y = toy_images(64, seed=8)
    X_eval, y_eval = toy_images(200, seed=9)
    accuracy, seconds = checks_q7.train_and_score(
        net.train_tinynet, X, y, X_eval, y_eval, seed=0, max_seconds=5, check=lambda model, what: None,
        what="train_tinynet(64 images)", twin=lambda model: twins.course_model(model, "q4.tinynet", "TinyNet"))
    assert accuracy >= 0.9, f"train_tinynet: accuracy {accuracy:.3f} on 200 new images, expected >= 0.9"


@pytest.mark.task("q4.5")
def test_train_digits_classifies_digits_it_never_saw():
    # The model runs in the worker, so the digits it is scored on must be ones its code cannot
    # read: the task's tasks.toml hides the course's datasets from its sandbox.
    X, y = checks_q7.mnist_tensors("train")
    X_eval, y_eval = checks_q7.mnist_tensors("test")
    model = net.train_digits(X[::8], y[::8])  # the splits are sorted by label: every 8th digit has all ten
    accuracy = checks_q7.accuracy_of(probes.forward(model, X_eval[::3]), y_eval[::3])
    assert accuracy >= 0.75, f"train_digits: accuracy {accuracy:.3f} on 334 digits it never saw, expected >= 0.75"
