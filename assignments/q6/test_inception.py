"""q6.4-q6.6: the inception module, a small GoogLeNet with auxiliary classifiers that answers
with (logits, aux1, aux2) only while training, and torchvision's GoogLeNet built without the
seed's error."""
import pytest
import torch
import torchvision

import gradekit
from gradekit import probes
from gradekit.checks import q6 as checks_q6
from gradekit.probes import q5 as probes_q5
from gradekit.probes import q6 as probes_q6
from gradekit.testing import assert_equal

inception = gradekit.submission("q6.inception")

# GoogLeNet's Table 1: (in, #1x1, #3x3 reduce, #3x3, #5x5 reduce, #5x5, pool proj) of 3a ... 5b.
TABLE = [(192, 64, 96, 128, 16, 32, 32), (256, 128, 128, 192, 32, 96, 64), (480, 192, 96, 208, 16, 48, 64),
         (512, 160, 112, 224, 24, 64, 64), (512, 128, 128, 256, 24, 64, 64), (512, 112, 144, 288, 32, 64, 64),
         (528, 256, 160, 320, 32, 128, 128), (832, 256, 160, 320, 32, 128, 128), (832, 384, 192, 384, 48, 128, 128)]


def conv_params(c_in, c_out, k):
    return c_out * (c_in * k * k + 1)


def inception_params(config):
    c_in, ch1, red3, ch3, red5, ch5, proj = config
    return (conv_params(c_in, ch1, 1) + conv_params(c_in, red3, 1) + conv_params(red3, ch3, 3)
            + conv_params(c_in, red5, 1) + conv_params(red5, ch5, 5) + conv_params(c_in, proj, 1))


def checked_inception(config, x):
    torch.manual_seed(40)
    block = inception.Inception(*config)
    assert_equal(probes.param_count(block), inception_params(config), name=f"parameters of Inception{config}")
    out = probes.forward(block, x)
    checks_q6.assert_inception_computes(probes_q5.layer_trace(block, x), x, out, config)
    return out


@pytest.mark.task("q6.4")
def test_inception_3a_gives_256_maps():
    assert inception_params(TABLE[0]) == 163_696
    x = torch.rand(1, 192, 9, 9)
    out = checked_inception(TABLE[0], x)
    assert_equal(tuple(out.shape), (1, 256, 9, 9), name="Inception 3a's output shape for a 192x9x9 input")


@pytest.mark.task("q6.4")
def test_small_inception_module_on_a_rectangular_batch():
    x = torch.randn(2, 7, 5, 6, generator=torch.Generator().manual_seed(41))
    out = checked_inception((7, 3, 4, 5, 2, 3, 2), x)
    assert_equal(tuple(out.shape), (2, 13, 5, 6), name="Inception(7, 3, 4, 5, 2, 3, 2)'s output shape")


def small_googlenet_params(num_classes, aux_logits, in_channels=3, w=4):
    """By hand, with every channel count of the paper divided by w."""
    stem = conv_params(in_channels, 64 // w, 3) + conv_params(64 // w, 64 // w, 1) + conv_params(64 // w, 192 // w, 3)
    trunk = stem + sum(inception_params([c // w for c in config]) for config in TABLE)
    fc = (1024 // w + 1) * num_classes

    def aux(c_in):
        return conv_params(c_in, 128 // w, 1) + (16 * (128 // w) + 1) * (1024 // w) + (1024 // w + 1) * num_classes

    return trunk + fc + (aux(512 // w) + aux(528 // w) if aux_logits else 0)


def assert_eval_gives_logits(model, x, num_classes):
    """In eval mode the network answers with its main logits only, even when it has auxiliary heads."""
    __tracebackhide__ = True
    out = probes.forward(model, x)
    assert isinstance(out, torch.Tensor), (
        f"in eval mode GoogLeNet must return the logits tensor alone, it returned a {type(out).__name__}")
    assert_equal(tuple(out.shape), (x.shape[0], num_classes), name="GoogLeNet's eval-mode output shape")


def googlenet_input(batch=2, channels=3, seed=42):
    return torch.rand(batch, channels, 32, 32, generator=torch.Generator().manual_seed(seed))


@pytest.mark.task("q6.5")
def test_training_mode_returns_main_and_auxiliary_logits():
    torch.manual_seed(43)
    model = inception.GoogLeNet(num_classes=10)
    x = googlenet_input()
    assert_equal(probes.param_count(model), small_googlenet_params(10, True), name="parameters of GoogLeNet()")
    classes = [c for _, c in probes.module_classes(model)]
    assert_equal(classes.count("Inception"), 9, name="number of Inception modules")
    out = probes.forward(model, x, train=True)
    assert isinstance(out, tuple) and len(out) == 3, (
        f"in training mode GoogLeNet(aux_logits=True) returns (logits, aux1, aux2), got {type(out).__name__}")
    for i, name in enumerate(("logits", "aux1", "aux2")):
        assert_equal(tuple(out[i].shape), (2, 10), name=f"the training-mode {name} shape")
    assert_eval_gives_logits(model, x, 10)


@pytest.mark.task("q6.5")
def test_without_auxiliary_classifiers_there_are_none():
    torch.manual_seed(44)
    model = inception.GoogLeNet(num_classes=10, aux_logits=False)
    x = googlenet_input(seed=45)
    assert model.aux1 is None and model.aux2 is None, "GoogLeNet(aux_logits=False) must set aux1 and aux2 to None"
    assert_equal(probes.param_count(model), small_googlenet_params(10, False),
                 name="parameters of GoogLeNet(aux_logits=False)")
    out = probes.forward(model, x, train=True)
    assert isinstance(out, torch.Tensor), f"GoogLeNet(aux_logits=False) returns one tensor, got {type(out).__name__}"
    assert_eval_gives_logits(model, x, 10)
    assert_eval_gives_logits(inception.GoogLeNet(num_classes=10), x, 10)


def gradient_by_part(model, x, index):
    """{top-level part: summed gradient norm} of one output, e.g. {'inception4a': 0.3, 'fc': 0.0, ...}."""
    parts = {}
    for name, norm in probes_q6.output_gradient_norms(model, x, index).items():
        part = name.split(".")[0]
        parts[part] = parts.get(part, 0.0) + norm
    return parts


@pytest.mark.task("q6.5")
def test_auxiliary_heads_tap_inception_4a_and_4d():
    torch.manual_seed(46)
    model = inception.GoogLeNet(num_classes=10)
    x = googlenet_input(seed=47)
    expectations = {  # output index: (parts its gradient must reach, parts it must not reach)
        0: (["conv1", "inception4e", "inception5b", "fc"], ["aux1", "aux2"]),
        1: (["conv1", "inception4a", "aux1"], ["inception4b", "inception4d", "aux2", "fc"]),
        2: (["conv1", "inception4d", "aux2"], ["inception4e", "inception5b", "aux1", "fc"]),
    }
    for index, (reached, untouched) in expectations.items():
        parts = gradient_by_part(model, x, index)
        what = ("logits", "aux1", "aux2")[index]
        for part in reached:
            assert parts.get(part, 0.0) > 0, f"the gradient of {what} does not reach {part}: {parts}"
        for part in untouched:
            assert_equal(parts.get(part, 0.0), 0.0, name=f"the gradient of {what} in {part}")
    assert_eval_gives_logits(model, x, 10)


def torchvision_count(**kwargs):
    with torch.device("meta"):
        model = torchvision.models.googlenet(weights=None, init_weights=False, **kwargs)
    return sum(p.numel() for p in model.parameters())


@pytest.mark.task("q6.6")
def test_torchvision_googlenet_without_aux_logits_builds_offline():
    model = inception.torchvision_googlenet(num_classes=10, aux_logits=False)
    assert probes.is_instance(model, "torchvision.models.GoogLeNet"), "expected a torchvision.models.GoogLeNet"
    assert model.aux1 is None and model.aux2 is None, "aux_logits=False must leave aux1 and aux2 as None"
    assert_equal(probes.param_count(model), torchvision_count(num_classes=10, aux_logits=False),
                 name="parameters of torchvision_googlenet(10, aux_logits=False)")
    # init_weights=True draws every convolution from a normal of std 0.01; PyTorch's default
    # initialization of conv1 (7x7x3 inputs) would give a std near 0.048.
    std = float(probes.state_dict(model)["conv1.conv.weight"].std())
    assert 0.009 <= std <= 0.011, (
        f"conv1's weights have std {std:.4f}: build it with init_weights=True (normal, std 0.01)")
    out = probes.forward(model, torch.rand(1, 3, 64, 64))
    assert_equal(tuple(out.shape), (1, 10), name="torchvision_googlenet(10)'s output shape on a 64x64 image")


@pytest.mark.task("q6.6")
def test_torchvision_googlenet_with_aux_logits():
    model = inception.torchvision_googlenet(num_classes=4, aux_logits=True)
    assert probes.is_instance(model, "torchvision.models.GoogLeNet"), "expected a torchvision.models.GoogLeNet"
    assert model.aux1 is not None and model.aux2 is not None, "aux_logits=True must build aux1 and aux2"
    assert_equal(probes.param_count(model), torchvision_count(num_classes=4, aux_logits=True),
                 name="parameters of torchvision_googlenet(4, aux_logits=True)")
