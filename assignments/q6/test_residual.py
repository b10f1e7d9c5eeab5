"""q6.1-q6.3: residual blocks with identity and projection shortcuts, and the seed's ResNet-like model.

Outputs are recomputed from the model's own weights and batch-norm statistics with torch's
functional ops (gradekit.checks.q6.residual_block_output), after one training pass has moved
the running statistics away from their initial 0 and 1.
"""
import pytest
import torch

import gradekit
from gradekit import probes
from gradekit.checks import q6 as checks_q6
from gradekit.probes import q5 as probes_q5
from gradekit.probes import q6 as probes_q6
from gradekit.testing import assert_close, assert_equal

residual = gradekit.submission("q6.residual")


def block_params(c_in, c_out, projection):
    """Two 3x3 convolutions without bias, two batch norms (gamma and beta), and the 1x1 projection + its BN."""
    count = 9 * c_in * c_out + 9 * c_out * c_out + 2 * 2 * c_out
    return count + (c_in * c_out + 2 * c_out if projection else 0)


def checked_block(c_in, c_out, stride, x, seed):
    """Build ResidualBlock(c_in, c_out, stride), check its weights and eval output; return (block, output, state)."""
    torch.manual_seed(seed)
    block = residual.ResidualBlock(c_in, c_out, stride=stride)
    probes.forward(block, 2 * x + 1, train=True)  # moves the running statistics away from 0 and 1
    state = probes.state_dict(block)
    projection = stride != 1 or c_in != c_out
    shapes = {k: tuple(v.shape) for k, v in state.items() if k.endswith("weight") and v.dim() == 4}
    expected = {"conv1.weight": (c_out, c_in, 3, 3), "conv2.weight": (c_out, c_out, 3, 3)}
    if projection:
        expected["shortcut.0.weight"] = (c_out, c_in, 1, 1)
    assert_equal(shapes, expected, name=f"convolution weights of ResidualBlock({c_in}, {c_out}, stride={stride})")
    assert_equal(probes.param_count(block), block_params(c_in, c_out, projection),
                 name=f"parameters of ResidualBlock({c_in}, {c_out}, stride={stride})")
    out = probes.forward(block, x)
    assert_close(out, checks_q6.residual_block_output(state, x, stride), rtol=1e-5, atol=1e-5,
                 name=f"ResidualBlock({c_in}, {c_out}, stride={stride})(x) in eval mode with x{tuple(x.shape)}")
    return block, out, state


@pytest.mark.task("q6.1")
def test_identity_block_adds_its_input():
    x = torch.randn(2, 8, 6, 6, generator=torch.Generator().manual_seed(20))
    _, out, _ = checked_block(8, 8, 1, x, seed=21)
    assert_equal(tuple(out.shape), (2, 8, 6, 6), name="ResidualBlock(8, 8) output shape")


@pytest.mark.task("q6.1")
def test_identity_block_with_a_silenced_residual_branch_is_relu_of_its_input():
    x = torch.randn(3, 4, 5, 5, generator=torch.Generator().manual_seed(22))
    block, _, _ = checked_block(4, 4, 1, x, seed=23)
    # gamma = beta = 0 in the branch's last batch norm: F(x) = 0, so only the shortcut is left.
    probes_q6.set_parameters(block, {"bn2.weight": torch.zeros(4), "bn2.bias": torch.zeros(4)})
    assert_close(probes.forward(block, x), torch.relu(x), rtol=0, atol=1e-6,
                 name="ResidualBlock(4, 4)(x) with bn2's gamma and beta at 0 (expected relu(x))")


@pytest.mark.task("q6.2")
def test_blocks_that_change_shape_project_the_shortcut():
    x = torch.randn(2, 6, 8, 7, generator=torch.Generator().manual_seed(24))
    for c_out, stride, shape in ((6, 2, (2, 6, 4, 4)), (12, 2, (2, 12, 4, 4)), (12, 1, (2, 12, 8, 7))):
        _, out, _ = checked_block(6, c_out, stride, x, seed=25)
        assert_equal(tuple(out.shape), shape, name=f"ResidualBlock(6, {c_out}, stride={stride}) output shape")


@pytest.mark.task("q6.2")
def test_projection_with_a_silenced_residual_branch_is_relu_of_the_projection():
    x = torch.randn(2, 5, 6, 6, generator=torch.Generator().manual_seed(26))
    for c_out in (5, 10):
        block, _, state = checked_block(5, c_out, 2, x, seed=27)
        probes_q6.set_parameters(block, {"bn2.weight": torch.zeros(c_out), "bn2.bias": torch.zeros(c_out)})
        projected = checks_q6.residual_block_output(
            {**state, "bn2.weight": torch.zeros(c_out), "bn2.bias": torch.zeros(c_out)}, x, 2)
        assert_close(probes.forward(block, x), projected, rtol=1e-5, atol=1e-6,
                     name=f"ResidualBlock(5, {c_out}, stride=2)(x) with bn2 silenced (expected relu(BN(conv1x1(x))))")


def resnet_like_params(num_classes, in_channels):
    """By hand: the 3x3 stem (no bias) and its BN, two blocks, and the dense layer on 32 x 16 x 16 maps."""
    stem = 9 * in_channels * 16 + 2 * 16
    return stem + block_params(16, 16, False) + block_params(16, 32, True) + (32 * 16 * 16 + 1) * num_classes


def checked_resnet_like(num_classes, in_channels, x, seed):
    torch.manual_seed(seed)
    model = residual.ResNetLike(num_classes=num_classes, in_channels=in_channels)
    assert_equal(probes.param_count(model), resnet_like_params(num_classes, in_channels),
                 name=f"parameters of ResNetLike(num_classes={num_classes}, in_channels={in_channels})")
    probes.forward(model, 2 * x + 1, train=True)
    logits = probes.forward(model, x)
    assert_close(logits, checks_q6.resnet_like_output(probes.state_dict(model), x), rtol=1e-4, atol=1e-5,
                 name="ResNetLike(x) in eval mode (stem, block1, block2, dense)")
    return model, logits


@pytest.mark.task("q6.3")
def test_resnet_like_model_is_conv_two_blocks_and_dense():
    assert resnet_like_params(10, 3) == 101_594
    x = torch.randn(2, 3, 32, 32, generator=torch.Generator().manual_seed(28))
    _, logits = checked_resnet_like(10, 3, x, seed=29)
    assert_equal(tuple(logits.shape), (2, 10), name="ResNetLike() output shape for 2 images")


@pytest.mark.task("q6.3")
def test_resnet_like_predict_proba_is_the_softmax():
    x = torch.randn(3, 3, 32, 32, generator=torch.Generator().manual_seed(30))
    model, logits = checked_resnet_like(10, 3, x, seed=31)
    assert_close(probes_q5.call_in_eval_mode(model, "predict_proba", x), torch.softmax(logits, dim=1),
                 rtol=1e-5, atol=1e-7, name="ResNetLike.predict_proba(x) in eval mode")
