"""Trusted recomputations for q6 (residual and inception networks).

They run in the test's own process and recompute, from the weights a probe returned, what the
networks q6 specifies must output: a residual block, a DeepNet, its per-layer gradient norms.
"""

from __future__ import annotations


def _bn(t, state, prefix):
    """Eval-mode batch norm with the running statistics and affine parameters of `prefix` (eps 1e-5)."""
    import torch.nn.functional as F

    return F.batch_norm(
        t,
        state[prefix + "running_mean"],
        state[prefix + "running_var"],
        state[prefix + "weight"],
        state[prefix + "bias"],
        False,
        0.0,
        1e-5,
    )


def _conv(t, state, prefix, stride, padding):
    import torch.nn.functional as F

    return F.conv2d(t, state[prefix + "weight"], state.get(prefix + "bias"), stride, padding)


def residual_block_output(state: dict, x, stride: int, prefix: str = ""):
    """What q6's ResidualBlock must output in eval mode, from its state_dict.

    Inputs:
    - state: the block's state_dict (keys conv1.weight, bn1.*, conv2.weight, bn2.*, and
      shortcut.0.weight, shortcut.1.* for a projection), optionally under ``prefix``
    - x: input, shape (N, C_in, H, W)
    - stride: the block's stride

    Returns:
    - relu(bn2(conv2(relu(bn1(conv1(x))))) + shortcut(x))
    """
    import torch

    h = torch.relu(_bn(_conv(x, state, prefix + "conv1.", stride, 1), state, prefix + "bn1."))
    h = _bn(_conv(h, state, prefix + "conv2.", 1, 1), state, prefix + "bn2.")
    if prefix + "shortcut.0.weight" in state:
        shortcut = _bn(_conv(x, state, prefix + "shortcut.0.", stride, 0), state, prefix + "shortcut.1.")
    else:
        shortcut = x
    if shortcut.shape != h.shape:
        raise AssertionError(
            f"the block's shortcut gives {tuple(shortcut.shape)} but its residual branch "
            f"{tuple(h.shape)}: a shape change needs the projection shortcut"
        )
    return torch.relu(h + shortcut)


def deep_net_output(state: dict, kind: str, x):
    """What q6's DeepNet(kind) computes, from its state_dict (layers.i.weight / layers.i.bias)."""
    import torch
    import torch.nn.functional as F

    depth = len([k for k in state if k.startswith("layers.") and k.endswith(".weight")])
    act = torch.sigmoid if kind == "sigmoid" else torch.relu
    h = act(F.linear(x, state["layers.0.weight"], state["layers.0.bias"]))
    for i in range(1, depth - 1):
        z = F.linear(h, state[f"layers.{i}.weight"], state[f"layers.{i}.bias"])
        h = h + torch.relu(z) if kind == "residual" else act(z)
    return F.linear(h, state[f"layers.{depth - 1}.weight"], state[f"layers.{depth - 1}.bias"])


def deep_net_gradient_norms(state: dict, kind: str, x, y) -> list[float]:
    """Per-layer weight-gradient norms of the mean cross-entropy of DeepNet(kind), recomputed from its weights."""
    import torch
    import torch.nn.functional as F

    weights = {k: v.detach().clone().requires_grad_(True) for k, v in state.items()}
    with torch.enable_grad():
        F.cross_entropy(deep_net_output(weights, kind, x), y).backward()
    depth = len([k for k in weights if k.startswith("layers.") and k.endswith(".weight")])
    return [float(weights[f"layers.{i}.weight"].grad.norm()) for i in range(depth)]


# From measurement (depths 10 to 20, widths 8 to 32; 20 seeds at depth 12, width 16): the
# residual net's first/last gradient ratio is 1e7 to 1e15 times the sigmoid net's and 38 to 1e6
# times the ReLU net's. The thresholds stay 1,000x and 3.8x below the smallest seen.
RESIDUAL_OVER_SIGMOID = 1e4
RESIDUAL_OVER_RELU = 10.0


def assert_residual_keeps_gradients(norms: dict, what: str = "the experiment") -> None:
    """The residual net's first-layer / last-layer gradient ratio beats the plain nets' by the margins above."""
    __tracebackhide__ = True
    import math

    ratio = {}
    for kind in ("sigmoid", "relu", "residual"):
        values = norms[kind]
        if not all(math.isfinite(v) and v >= 0 for v in values) or values[-1] <= 0:
            raise AssertionError(f"{what}: the {kind} norms must be finite and non-negative, got {values}")
        ratio[kind] = values[0] / values[-1]
    shown = ", ".join(f"{k} {v:.3g}" for k, v in ratio.items())
    assert ratio["residual"] >= RESIDUAL_OVER_SIGMOID * ratio["sigmoid"], (
        f"{what}: first/last-layer gradient ratios {shown}: the residual net should keep at least "
        f"{RESIDUAL_OVER_SIGMOID:g} times more of its gradient than the sigmoid net"
    )
    assert ratio["residual"] >= RESIDUAL_OVER_RELU * ratio["relu"], (
        f"{what}: first/last-layer gradient ratios {shown}: the residual net should keep at least "
        f"{RESIDUAL_OVER_RELU:g} times more of its gradient than the ReLU net"
    )


def resnet_like_output(state: dict, x):
    """What q6's ResNetLike must output in eval mode, from its state_dict."""
    import torch
    import torch.nn.functional as F

    h = torch.relu(_bn(_conv(x, state, "conv1.", 1, 1), state, "bn1."))
    h = residual_block_output(state, h, 1, prefix="block1.")
    h = residual_block_output(state, h, 2, prefix="block2.")
    return F.linear(torch.flatten(h, 1), state["fc.weight"], state["fc.bias"])


def assert_inception_computes(trace: list[dict], x, out, config: tuple) -> None:
    """An Inception module's four branches are the paper's, each computes from ``x``, and the
    output is their concatenation on the channel axis (branch1 to branch4).

    Inputs:
    - trace: gradekit.probes.q5.layer_trace(module, x) (with parameters)
    - x, out: the module's input and its eval-mode output
    - config: (in_channels, ch1x1, ch3x3red, ch3x3, ch5x5red, ch5x5, pool_proj)
    """
    __tracebackhide__ = True
    import torch

    from gradekit.checks.q5 import assert_layers_compute, kernel_settings
    from gradekit.testing import assert_close, assert_equal

    _, ch1, red3, ch3, red5, ch5, proj = config

    def conv(k, channels):
        return ("Conv2d", ((k, k), (1, 1), ((k - 1) // 2, (k - 1) // 2)), channels)

    relu = ("ReLU", None, None)
    expected = {
        "branch1": [conv(1, ch1), relu],
        "branch2": [conv(1, red3), relu, conv(3, ch3), relu],
        "branch3": [conv(1, red5), relu, conv(5, ch5), relu],
        "branch4": [("MaxPool2d", ((3, 3), (1, 1), (1, 1)), None), conv(1, proj), relu],
    }
    outputs = []
    for branch, layers in expected.items():
        rows = [r for r in trace if r["name"].startswith(branch + ".")]
        got = [
            (
                r["class"],
                kernel_settings(r) if r["class"] in ("Conv2d", "MaxPool2d") else None,
                int(r["output"].shape[1]) if r["class"] == "Conv2d" else None,
            )
            for r in rows
        ]
        assert_equal(got, layers, name=f"{branch}'s layers (type, (kernel, stride, padding), output channels)")
        assert_layers_compute(rows, x, rows[-1]["output"], what=f"Inception.{branch}")
        outputs.append(rows[-1]["output"])
    assert_close(
        out,
        torch.cat(outputs, dim=1),
        rtol=0,
        atol=0,
        name="the inception module's output vs its branches concatenated on the channel axis",
    )
