"""Visible tests of q4's AlexNet and VGG specs: the specs are built into torch layers and compared
with torchvision's models (parameter counts, and output shapes through forward hooks) and with the
2012 AlexNet paper's figures."""
import pytest
import torch
import torchvision

import gradekit
from gradekit.checks.q4 import torch_network, torchvision_layers
from gradekit.testing import assert_equal

arch = gradekit.submission("q4.architectures")

# The 2012 paper's two-GPU AlexNet on 227x227: conv1 96@55x55, pool 27x27, conv2 256@27x27,
# pool 13x13, conv3 384, conv4 384, conv5 256 (13x13), pool 6x6, then 4096, 4096, 1000.
PAPER_SHAPES = [(96, 55, 55), (96, 27, 27), (256, 27, 27), (256, 13, 13), (384, 13, 13), (384, 13, 13),
                (256, 13, 13), (256, 6, 6), (4096,), (4096,), (1000,)]


def measured(input_shape, layers):
    """(parameter count, [output shapes of conv, pool and linear layers]) of the specs built in torch."""
    model = torch_network(input_shape, layers)
    rows = torchvision_layers(model, input_shape)
    return sum(p.numel() for p in model.parameters()), [row["output_shape"] for row in rows]


def torchvision_reference(name):
    """(parameter count, output shapes) of a torchvision model on a 3x224x224 input."""
    with torch.device("meta"):
        model = getattr(torchvision.models, name)()
    count = sum(p.numel() for p in model.parameters())
    return count, [row["output_shape"] for row in torchvision_layers(model, (3, 224, 224))]


def check_against_torchvision(layers, name, published_count):
    count, shapes = measured((3, 224, 224), layers)
    expected_count, expected_shapes = torchvision_reference(name)
    assert expected_count == published_count, f"torchvision's {name} has {expected_count:,} parameters here"
    assert_equal(count, expected_count, name=f"parameters of your {name} specs")
    assert_equal(shapes, expected_shapes, name=f"conv/pool/linear output shapes of your {name} specs on 3x224x224")


@pytest.mark.task("q4.5")
def test_torchvision_alexnet():
    check_against_torchvision(arch.alexnet_specs("torchvision"), "alexnet", 61_100_840)


@pytest.mark.task("q4.5")
def test_paper_alexnet_with_two_gpu_groups():
    count, shapes = measured((3, 227, 227), arch.alexnet_specs("paper"))
    assert_equal(count, 60_965_224, name="parameters of your alexnet_specs('paper')")
    assert_equal(shapes, PAPER_SHAPES, name="output shapes of your alexnet_specs('paper') on 3x227x227")


@pytest.mark.task("q4.6")
def test_vgg16():
    check_against_torchvision(arch.vgg_specs(16), "vgg16", 138_357_544)


@pytest.mark.task("q4.6")
def test_vgg19():
    check_against_torchvision(arch.vgg_specs(19), "vgg19", 143_667_240)
