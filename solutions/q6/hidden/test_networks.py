"""Hidden tests of q6.1-q6.6: batch 1, odd sizes, one input channel, other class counts."""
import pytest
import torch

import gradekit
from gradekit import probes
from gradekit.checks import q6 as checks_q6
from gradekit.probes import q5 as probes_q5
from gradekit.testing import assert_close, assert_equal

residual = gradekit.submission("q6.residual")
inception = gradekit.submission("q6.inception")


def block_output_matches(c_in, c_out, stride, x):
    """ResidualBlock's eval output, after a training pass, equals the recomputation from its state_dict."""
    torch.manual_seed(60)
    block = residual.ResidualBlock(c_in, c_out, stride=stride)
    probes.forward(block, x - 0.5, train=True)
    out = probes.forward(block, x)
    assert_close(out, checks_q6.residual_block_output(probes.state_dict(block), x, stride), rtol=1e-5, atol=1e-5,
                 name=f"ResidualBlock({c_in}, {c_out}, stride={stride}) on x{tuple(x.shape)}")
    return out


@pytest.mark.task("q6.1")
def test_identity_block_on_one_odd_sized_image():
    x = torch.randn(1, 3, 7, 5, generator=torch.Generator().manual_seed(61))
    out = block_output_matches(3, 3, 1, x)
    assert_equal(tuple(out.shape), (1, 3, 7, 5), name="ResidualBlock(3, 3) output shape")


@pytest.mark.task("q6.2")
def test_stride_2_blocks_on_odd_sizes_round_up():
    x = torch.randn(1, 3, 7, 5, generator=torch.Generator().manual_seed(62))
    assert_equal(tuple(block_output_matches(3, 3, 2, x).shape), (1, 3, 4, 3), name="ResidualBlock(3, 3, stride=2) shape")
    assert_equal(tuple(block_output_matches(3, 8, 2, x).shape), (1, 8, 4, 3), name="ResidualBlock(3, 8, stride=2) shape")


@pytest.mark.task("q6.3")
def test_resnet_like_on_one_grayscale_image():
    torch.manual_seed(63)
    model = residual.ResNetLike(num_classes=4, in_channels=1)
    x = torch.rand(1, 1, 32, 32, generator=torch.Generator().manual_seed(64))
    probes.forward(model, torch.rand(3, 1, 32, 32), train=True)
    logits = probes.forward(model, x)
    assert_equal(tuple(logits.shape), (1, 4), name="ResNetLike(4, in_channels=1) output shape")
    assert_close(logits, checks_q6.resnet_like_output(probes.state_dict(model), x), rtol=1e-4, atol=1e-5,
                 name="ResNetLike(num_classes=4, in_channels=1)(x)")


@pytest.mark.task("q6.4")
def test_inception_with_one_channel_per_branch_on_a_3x3_input():
    config = (1, 1, 1, 1, 1, 1, 1)
    torch.manual_seed(65)
    block = inception.Inception(*config)
    x = torch.randn(1, 1, 3, 3, generator=torch.Generator().manual_seed(66))
    out = probes.forward(block, x)
    assert_equal(tuple(out.shape), (1, 4, 3, 3), name="Inception(1, 1, 1, 1, 1, 1, 1) output shape")
    checks_q6.assert_inception_computes(probes_q5.layer_trace(block, x), x, out, config)


@pytest.mark.task("q6.5")
def test_grayscale_googlenet_with_3_classes_at_an_eighth_of_the_width():
    torch.manual_seed(67)
    model = inception.GoogLeNet(num_classes=3, in_channels=1, width_divisor=8)
    x = torch.rand(1, 1, 32, 32)
    train_out = probes.forward(model, x, train=True)
    assert isinstance(train_out, tuple) and len(train_out) == 3, "training mode returns (logits, aux1, aux2)"
    assert_equal([tuple(t.shape) for t in train_out], [(1, 3)] * 3, name="training-mode output shapes")
    out = probes.forward(model, x)
    assert isinstance(out, torch.Tensor), f"eval mode returns the logits alone, got a {type(out).__name__}"
    assert_equal(tuple(out.shape), (1, 3), name="eval-mode output shape")


@pytest.mark.task("q6.6")
def test_torchvision_googlenet_defaults_to_no_aux_and_10_classes():
    model = inception.torchvision_googlenet()
    assert probes.is_instance(model, "torchvision.models.GoogLeNet"), "expected a torchvision.models.GoogLeNet"
    assert model.aux1 is None and model.aux2 is None, "the default is aux_logits=False"
    out = probes.forward(model, torch.rand(2, 3, 48, 48), train=True)
    assert isinstance(out, torch.Tensor), "without auxiliary heads training mode returns the logits alone"
    assert_equal(tuple(out.shape), (2, 10), name="torchvision_googlenet()'s training-mode output shape")
