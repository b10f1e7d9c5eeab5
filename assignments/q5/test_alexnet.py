"""q5.2: AlexNet as published: map sizes from a 227x227 input (the paper says 224; 227 is
what gives conv1's 55x55), ReLU after every weight layer, gradekit's LRN with the paper's constants,
overlapping pooling, dropout 0.5, the two-GPU grouping, softmax.

Every test checks the whole architecture (gradekit.checks.q5.assert_is_alexnet) besides its own point.
"""
import functools

import pytest
import torch

import gradekit
from gradekit import ops, probes
from gradekit.checks import q5 as checks_q5
from gradekit.probes import q5 as probes_q5
from gradekit.testing import assert_close, assert_equal

alexnet = gradekit.submission("q5.alexnet")


def conv_params(c_in, c_out, k, groups=1):
    return c_out * (c_in // groups * k * k + 1)


def alexnet_params(num_classes, groups):
    """By hand: five convolutions (conv2, conv4, conv5 grouped) and three fully connected layers."""
    convs = (conv_params(3, 96, 11) + conv_params(96, 256, 5, groups) + conv_params(256, 384, 3)
             + conv_params(384, 384, 3, groups) + conv_params(384, 256, 3, groups))
    return convs + (9216 + 1) * 4096 + (4096 + 1) * 4096 + (4096 + 1) * num_classes


@functools.lru_cache(maxsize=1)  # tests of one configuration share it; a failed check is not cached
def checked_alexnet(num_classes, groups, seed, batch=1):
    """AlexNet(num_classes, groups) built under a seed, after checking its architecture on random images.

    Returns (model, x, logits of x in eval mode)."""
    torch.manual_seed(seed)
    model = alexnet.AlexNet(num_classes=num_classes, groups=groups)
    x = torch.rand(batch, 3, 227, 227)
    out = probes.forward(model, x)
    checks_q5.assert_is_alexnet(probes_q5.layer_trace(model, x), x, out, num_classes, groups)
    return model, x, out


@pytest.mark.task("q5.2")
def test_alexnet_parameter_counts_with_and_without_the_two_gpu_grouping():
    assert alexnet_params(1000, 2) == 60_965_224  # the paper's network, as the curriculum counts it
    model, _, _ = checked_alexnet(1000, 2, seed=2)
    assert_equal(probes.param_count(model), 60_965_224, name="parameters of AlexNet(num_classes=1000, groups=2)")
    assert_equal(probes.param_count(alexnet.AlexNet(num_classes=1000)), alexnet_params(1000, 1),
                 name="parameters of AlexNet(num_classes=1000) (62,378,344 by hand)")


@pytest.mark.task("q5.2")
def test_alexnet_layers_from_227_with_relu_pooling_and_dropout():
    _, _, out = checked_alexnet(10, 1, seed=3, batch=2)
    assert_equal(tuple(out.shape), (2, 10), name="AlexNet(num_classes=10) output shape for 2 images")


@pytest.mark.task("q5.2")
def test_alexnet_normalizes_with_gradekits_lrn_and_the_papers_constants():
    model, _, _ = checked_alexnet(10, 1, seed=3, batch=2)
    names = [name for name, cls in probes.module_classes(model) if cls == "LocalResponseNorm"]
    assert_equal(len(names), 2, name="number of local response normalization modules")
    torch.manual_seed(5)
    # Large responses: the normalizer k + alpha * sum(a^2) is then far from k, so a wrong alpha
    # convention (alpha / n) or a wrong window shows in the values.
    a = torch.relu(torch.randn(2, 96, 5, 5)) * 100.0
    for name in names:
        assert probes_q5.submodule_is_instance(model, name, "gradekit.ops.LocalResponseNorm"), (
            f"{name} must be a gradekit.ops.LocalResponseNorm")
        assert_close(probes_q5.run_submodule(model, name, a),
                     ops.lrn(a, size=5, alpha=1e-4, beta=0.75, k=2.0, convention="alexnet"),
                     rtol=1e-5, atol=1e-5, name=f"{name} applied to large responses")


@pytest.mark.task("q5.2")
def test_alexnet_predict_proba_is_the_softmax_of_the_logits():
    model, x, logits = checked_alexnet(10, 1, seed=3, batch=2)
    assert_close(probes_q5.call_in_eval_mode(model, "predict_proba", x), torch.softmax(logits, dim=1), rtol=1e-5, atol=1e-7, name="AlexNet.predict_proba(x) in eval mode")
