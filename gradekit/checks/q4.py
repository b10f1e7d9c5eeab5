"""Reference measurements for q4's tests: a layer spec turned into the torch layer it describes.

These helpers compute expected values, so they are deliberately *not* probes: they run in the
test's own process and never touch an object the submission built. They take plain layer specs
(the format of q4's accounting.py) and return plain data measured by torch itself: output shapes
from a forward pass (gradekit.ops.conv2d for TensorFlow's "same" padding, which torch's layers
offer at stride 1 only), parameter counts from ``numel``, and multiply-adds from torch's
FLOP counter (two FLOPs per multiply-add). Layers are built on the meta device: shapes and counts
come out without allocating or initializing a single weight.
"""

from __future__ import annotations

import math

import torch
from torch import nn
from torch.utils.flop_counter import FlopCounterMode


def _pair(value):
    return (value, value) if isinstance(value, int) else tuple(value)


def _is_same(spec) -> bool:
    return spec["kind"] == "conv" and spec.get("padding") == "same"


def torch_layer(input_shape, spec) -> nn.Module:
    """The nn.Module a spec describes, on the meta device. A "same" conv gets padding 0 here (same
    weights); tf_same_pads gives the padding of its input, which torch's layers only offer at stride 1."""
    kind = spec["kind"]
    with torch.device("meta"):
        if kind == "conv":
            padding = 0 if _is_same(spec) else spec.get("padding", 0)
            return nn.Conv2d(
                input_shape[0],
                spec["filters"],
                spec["kernel"],
                stride=spec.get("stride", 1),
                padding=padding,
                groups=spec.get("groups", 1),
                bias=spec.get("bias", True),
            )
        if kind in ("max_pool", "avg_pool"):
            pool = nn.MaxPool2d if kind == "max_pool" else nn.AvgPool2d
            return pool(spec["kernel"], stride=spec.get("stride") or spec["kernel"], padding=spec.get("padding", 0))
        if kind == "flatten":
            return nn.Flatten()
        if kind == "linear":
            return nn.Linear(input_shape[0], spec["units"], bias=spec.get("bias", True))
    raise ValueError(f"unknown layer kind {kind!r}")


def tf_same_pads(input_shape, spec) -> tuple[int, int, int, int]:
    """TensorFlow's SAME padding (left, right, top, bottom): the total that makes ceil(n / s) outputs,
    the odd pixel at the bottom and right."""
    pads = []
    for n, k, s in zip(input_shape[1:], _pair(spec["kernel"]), _pair(spec.get("stride", 1))):
        total = max((math.ceil(n / s) - 1) * s + k - n, 0)
        pads.append((total // 2, total - total // 2))
    (top, bottom), (left, right) = pads
    return (left, right, top, bottom)


def measure_layer(input_shape, spec) -> dict:
    """{"output_shape", "params", "macs"} of one layer for one instance, measured by torch."""
    layer = torch_layer(input_shape, spec)
    x = torch.zeros((1, *input_shape), device="meta")
    if _is_same(spec):
        x = nn.functional.pad(x, tf_same_pads(input_shape, spec))
    with FlopCounterMode(display=False) as flops, torch.no_grad():
        out = layer(x)
    shape = tuple(out.shape[1:])
    if _is_same(spec):
        shape = kernel_same_conv_shape(input_shape, spec)
    return {
        "output_shape": shape,
        "params": sum(p.numel() for p in layer.parameters()),
        "macs": flops.get_total_flops() // 2,
    }


def kernel_same_conv_shape(input_shape, spec) -> tuple:
    """The output shape of a "same" conv computed by gradekit.ops.conv2d on a real (zero) input."""
    from gradekit import ops  # imported here: only "same" convs need the kernels

    groups = spec.get("groups", 1)
    weight = torch.zeros(spec["filters"], input_shape[0] // groups, *_pair(spec["kernel"]))
    with torch.no_grad():
        out = ops.conv2d(
            torch.zeros(1, *input_shape), weight, None, stride=spec.get("stride", 1), padding="same", groups=groups
        )
    return tuple(out.shape[1:])


def torch_network(input_shape, layers) -> nn.Sequential:
    """An nn.Sequential (meta device) of the layers a spec list describes; "same" convs are preceded
    by their TensorFlow padding."""
    modules = []
    shape = tuple(input_shape)
    for spec in layers:
        if _is_same(spec):
            modules.append(nn.ZeroPad2d(tf_same_pads(shape, spec)))
        modules.append(torch_layer(shape, spec))
        shape = measure_layer(shape, spec)["output_shape"]
    return nn.Sequential(*modules)


def torchvision_layers(model, input_shape, kinds=(nn.Conv2d, nn.Linear, nn.MaxPool2d, nn.AvgPool2d)) -> list[dict]:
    """For every leaf module of a torchvision model that is one of ``kinds``, in call order: its spec
    (in q4's format), its input and output shape for one instance, its parameter count and its
    multiply-adds, from one forward pass. Build the model on the meta device
    (``with torch.device("meta"): torchvision.models.vgg16()``): no weight is allocated or initialized."""
    rows = []

    def record(module, inputs, output):
        row = {
            "spec": spec_of(module),
            "input_shape": tuple(inputs[0].shape[1:]),
            "output_shape": tuple(output.shape[1:]),
            "params": sum(p.numel() for p in module.parameters()),
        }
        with FlopCounterMode(display=False) as flops, torch.no_grad():
            module.forward(inputs[0])  # forward, not __call__: calling the module would fire this hook again
        row["macs"] = flops.get_total_flops() // 2
        rows.append(row)

    hooks = [m.register_forward_hook(record) for m in model.modules() if isinstance(m, kinds)]
    try:
        with torch.no_grad():
            model.eval()(torch.zeros((1, *input_shape), device="meta"))
    finally:
        for hook in hooks:
            hook.remove()
    return rows


def spec_of(module) -> dict:
    """The q4 layer spec of a torch Conv2d, Linear, MaxPool2d or AvgPool2d."""
    if getattr(module, "dilation", 1) not in (1, (1, 1)) or getattr(module, "ceil_mode", False):
        raise ValueError(f"q4 specs have no dilation or ceil_mode: {module}")
    if isinstance(module, nn.Conv2d):
        return {
            "kind": "conv",
            "filters": module.out_channels,
            "kernel": module.kernel_size,
            "stride": module.stride,
            "padding": module.padding,
            "groups": module.groups,
            "bias": module.bias is not None,
        }
    if isinstance(module, nn.Linear):
        return {"kind": "linear", "units": module.out_features, "bias": module.bias is not None}
    if isinstance(module, (nn.MaxPool2d, nn.AvgPool2d)):
        kind = "max_pool" if isinstance(module, nn.MaxPool2d) else "avg_pool"
        return {"kind": kind, "kernel": module.kernel_size, "stride": module.stride, "padding": module.padding}
    raise ValueError(f"no q4 spec for {type(module).__name__}")
