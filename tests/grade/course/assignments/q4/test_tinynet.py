"""Visible tests of q4 (grading fixture): the model is looked at only through probes and calls."""
import pytest
import torch
import torch.nn.functional as F

import gradekit
from gradekit import probes
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
