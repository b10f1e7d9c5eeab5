"""Hidden tests of q4's AlexNet and VGG specs: other depths and class counts against torchvision, and
the paper's AlexNet layer by layer."""
import pytest
import torch
import torchvision

import gradekit
from gradekit.checks.q4 import torch_network, torchvision_layers
from gradekit.testing import assert_equal

arch = gradekit.submission("q4.architectures")


def counts_and_shapes(model, input_shape):
    """Parameters of every conv and linear layer, and the output shapes of conv, pool and linear layers."""
    rows = torchvision_layers(model, input_shape)
    return [row["params"] for row in rows if row["spec"]["kind"] in ("conv", "linear")], [row["output_shape"] for row in rows]


def torchvision_model(name, **kwargs):
    with torch.device("meta"):  # no weights allocated: only shapes and counts are needed
        return getattr(torchvision.models, name)(**kwargs)


@pytest.mark.task("q4.5")
def test_torchvision_alexnet_for_ten_classes_layer_by_layer():
    got = counts_and_shapes(torch_network((3, 224, 224), arch.alexnet_specs("torchvision", num_classes=10)), (3, 224, 224))
    expected = counts_and_shapes(torchvision_model("alexnet", num_classes=10), (3, 224, 224))
    assert_equal(got[0], expected[0], name="per-layer parameters of alexnet_specs('torchvision', num_classes=10)")
    assert_equal(got[1], expected[1], name="output shapes of alexnet_specs('torchvision', num_classes=10)")


@pytest.mark.task("q4.5")
def test_paper_alexnet_layer_by_layer_for_a_hundred_classes():
    params, _ = counts_and_shapes(torch_network((3, 227, 227), arch.alexnet_specs("paper", num_classes=100)), (3, 227, 227))
    # conv: (k*k*C/groups + 1) * filters with conv2, conv4, conv5 split over two GPUs; linear: (in + 1) * out.
    expected = [34_944, 307_456, 885_120, 663_936, 442_624, 37_752_832, 16_781_312, 409_700]
    assert_equal(params, expected, name="per-layer parameters of alexnet_specs('paper', num_classes=100)")


@pytest.mark.task("q4.6")
@pytest.mark.parametrize("depth", [11, 13])
def test_shallower_vggs_against_torchvision(depth):
    got = counts_and_shapes(torch_network((3, 224, 224), arch.vgg_specs(depth)), (3, 224, 224))
    expected = counts_and_shapes(torchvision_model(f"vgg{depth}"), (3, 224, 224))
    assert_equal(got[0], expected[0], name=f"per-layer parameters of vgg_specs({depth})")
    assert_equal(got[1], expected[1], name=f"output shapes of vgg_specs({depth})")


@pytest.mark.task("q4.6")
def test_vgg19_for_ten_classes_layer_by_layer():
    got = counts_and_shapes(torch_network((3, 224, 224), arch.vgg_specs(19, num_classes=10)), (3, 224, 224))
    expected = counts_and_shapes(torchvision_model("vgg19", num_classes=10), (3, 224, 224))
    assert_equal(got[0], expected[0], name="per-layer parameters of vgg_specs(19, num_classes=10)")
    assert_equal(got[1], expected[1], name="output shapes of vgg_specs(19, num_classes=10)")
    assert sum(got[0]) == 143_667_240 - 4097 * 990, "VGG19 for 10 classes has 990 * 4,097 fewer parameters than for 1,000"
