"""q5.1: LeNet-5 in the paper's layout: 61,706 parameters, the paper's map sizes, tanh and average pooling.

The layout is the paper's with four simplifications (see the README): C3 connected to all of S2's
maps, S2/S4 plain averages without a trainable gain and bias, a linear output layer instead of
Euclidean RBF units, and nn.Tanh instead of the scaled tanh 1.7159 tanh(2a/3).

Every test checks the whole architecture (gradekit.checks.q5.assert_is_lenet5): the layers' types,
output shapes and kernels, and that forward computes them one after the other.
"""
import pytest
import torch

import gradekit
from gradekit import probes
from gradekit.checks import q5 as checks_q5
from gradekit.probes import q5 as probes_q5
from gradekit.testing import assert_equal

lenet = gradekit.submission("q5.lenet")

# C1 156 + C3 2,416 + C5 48,120 + F6 10,164 + output 850 (weights + biases of each, by hand).
LENET5_PARAMS = 6 * (25 + 1) + 16 * (6 * 25 + 1) + 120 * (16 * 25 + 1) + 84 * (120 + 1) + 10 * (84 + 1)


@pytest.mark.task("q5.1")
def test_lenet5_has_61706_parameters():
    assert LENET5_PARAMS == 61_706
    torch.manual_seed(0)
    model = lenet.LeNet5()
    assert_equal(probes.param_count(model), LENET5_PARAMS,
                 name="parameters of LeNet5() (156 + 2,416 + 48,120 + 10,164 + 850)")
    x = torch.randn(1, 1, 32, 32)
    checks_q5.assert_is_lenet5(probes_q5.layer_trace(model, x), x, probes.forward(model, x), num_classes=10)


@pytest.mark.task("q5.1")
def test_lenet5_layers_tanh_and_average_pooling_on_a_batch():
    torch.manual_seed(1)
    model = lenet.LeNet5(num_classes=10)
    x = torch.randn(3, 1, 32, 32)
    out = probes.forward(model, x)
    assert_equal(tuple(out.shape), (3, 10), name="LeNet5()(x).shape for x of shape (3, 1, 32, 32)")
    checks_q5.assert_is_lenet5(probes_q5.layer_trace(model, x), x, out, num_classes=10)
