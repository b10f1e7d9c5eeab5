"""q5.3: VGG from one configuration table: the paper's Table 1, torchvision's parameter counts,
13 / 16 convolutions in the right blocks. Every VGG is built from vgg_configs(), so every test
checks that table first."""
import pytest
import torch
import torchvision

import gradekit
from gradekit import probes
from gradekit.checks import q5 as checks_q5
from gradekit.probes import q5 as probes_q5
from gradekit.testing import assert_equal

vgg = gradekit.submission("q5.vgg")


def torchvision_param_count(builder, num_classes=1000):
    """Parameters of torchvision's model, built on the meta device (no memory, no weights drawn)."""
    with torch.device("meta"):
        model = builder(weights=None, num_classes=num_classes)
    return sum(p.numel() for p in model.parameters())


def convs_per_block(trace):
    """[(convolutions, their output channels)] between max pools, from the layers' call order."""
    blocks, convs = [], []
    for r in trace:
        if r["class"] == "Conv2d":
            convs.append(int(r["output"].shape[1]))
        elif r["class"] == "MaxPool2d":
            blocks.append((len(convs), sorted(set(convs))))
            convs = []
    return blocks


def built_and_traced(config):
    """VGG(config) and its layer trace (shapes and settings only) on one 32x32 image."""
    torch.manual_seed(7)
    model = vgg.VGG(config)
    return model, probes_q5.layer_trace(model, torch.rand(1, 3, 32, 32), with_params=False)


@pytest.mark.task("q5.3")
def test_vgg_configs_are_the_papers_table_1():
    checks_q5.assert_vgg_table(vgg.vgg_configs())


def assert_vgg(config, blocks, torchvision_builder):
    """VGG(config) stacks `blocks` = [(convolutions, [channels]) per block] of 3x3 convolutions, has
    the three fully connected layers of every VGG, and as many parameters as torchvision's model."""
    __tracebackhide__ = True
    checks_q5.assert_vgg_table(vgg.vgg_configs())
    model, trace = built_and_traced(config)
    assert_equal(convs_per_block(trace), blocks, name=f"(convolutions, channels) of each block of VGG('{config}')")
    for r in trace:
        if r["class"] == "Conv2d":
            assert_equal(checks_q5.kernel_settings(r), ((3, 3), (1, 1), (1, 1)),
                         name=f"(kernel, stride, padding) of {r['name']}")
    fc = [tuple(r["output"].shape[1:]) for r in trace if r["class"] == "Linear"]
    assert_equal(fc, [(4096,), (4096,), (1000,)], name=f"outputs of VGG('{config}')'s fully connected layers")
    assert_equal(probes.param_count(model), torchvision_param_count(torchvision_builder),
                 name=f"parameters of VGG('{config}') (torchvision's {torchvision_builder.__name__})")


@pytest.mark.task("q5.3")
def test_vgg16_is_configuration_d_with_138357544_parameters():
    assert torchvision_param_count(torchvision.models.vgg16) == 138_357_544
    assert_vgg("D", [(2, [64]), (2, [128]), (3, [256]), (3, [512]), (3, [512])], torchvision.models.vgg16)


@pytest.mark.task("q5.3")
def test_vgg19_adds_one_convolution_to_blocks_3_4_5():
    assert torchvision_param_count(torchvision.models.vgg19) == 143_667_240
    assert_vgg("E", [(2, [64]), (2, [128]), (4, [256]), (4, [512]), (4, [512])], torchvision.models.vgg19)
