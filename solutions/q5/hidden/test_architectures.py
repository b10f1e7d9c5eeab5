"""Hidden tests of q5.1-q5.3: other class counts and batch sizes, the grouped AlexNet, VGG A and B."""
import pytest
import torch
import torchvision

import gradekit
from gradekit import probes
from gradekit.checks import q5 as checks_q5
from gradekit.probes import q5 as probes_q5
from gradekit.testing import assert_equal

lenet = gradekit.submission("q5.lenet")
alexnet = gradekit.submission("q5.alexnet")
vgg = gradekit.submission("q5.vgg")


@pytest.mark.task("q5.1")
def test_lenet5_with_26_classes_on_one_image():
    torch.manual_seed(10)
    model = lenet.LeNet5(num_classes=26)
    # Only the output layer changes: 84 * 26 weights + 26 biases instead of 850.
    assert_equal(probes.param_count(model), 61_706 - 850 + 85 * 26, name="parameters of LeNet5(num_classes=26)")
    x = torch.randn(1, 1, 32, 32)
    checks_q5.assert_is_lenet5(probes_q5.layer_trace(model, x), x, probes.forward(model, x), num_classes=26)


def checked_alexnet(num_classes, groups, batch):
    torch.manual_seed(11)
    model = alexnet.AlexNet(num_classes=num_classes, groups=groups)
    x = torch.rand(batch, 3, 227, 227)
    checks_q5.assert_is_alexnet(probes_q5.layer_trace(model, x), x, probes.forward(model, x), num_classes, groups)
    return model, x


@pytest.mark.task("q5.2")
def test_grouped_alexnet_with_37_classes():
    model, _ = checked_alexnet(37, 2, batch=2)
    assert_equal(probes.param_count(model), 60_965_224 - 4097 * 1000 + 4097 * 37,
                 name="parameters of AlexNet(num_classes=37, groups=2)")


@pytest.mark.task("q5.2")
def test_alexnet_dropout_acts_in_training_only():
    model, x = checked_alexnet(5, 1, batch=1)
    a, b = probes.forward(model, x, train=True), probes.forward(model, x, train=True)
    assert not torch.equal(a, b), "two training-mode passes of the same image agree: dropout is not active"


@pytest.mark.task("q5.3")
def test_vgg_a_with_7_classes_computes_its_layers():
    checks_q5.assert_vgg_table(vgg.vgg_configs())
    with torch.device("meta"):
        expected = sum(p.numel() for p in torchvision.models.vgg11(weights=None, num_classes=7).parameters())
    torch.manual_seed(13)
    model = vgg.VGG("A", num_classes=7)
    assert_equal(probes.param_count(model), expected, name="parameters of VGG('A', num_classes=7) (torchvision's vgg11)")
    x = torch.rand(2, 3, 32, 32)
    trace = probes_q5.layer_trace(model, x)
    assert_equal(sum(r["class"] == "Conv2d" for r in trace), 8, name="convolutions of VGG('A')")
    checks_q5.assert_layers_compute(trace, x, probes.forward(model, x), what="VGG('A', num_classes=7)")


@pytest.mark.task("q5.3")
def test_vgg_b_matches_torchvisions_vgg13():
    checks_q5.assert_vgg_table(vgg.vgg_configs())
    with torch.device("meta"):
        expected = sum(p.numel() for p in torchvision.models.vgg13(weights=None).parameters())
    assert_equal(probes.param_count(vgg.VGG("B")), expected, name="parameters of VGG('B') (torchvision's vgg13)")
