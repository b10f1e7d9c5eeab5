"""Trusted checks for q5 (classic architectures), on the plain data q5's probes return.

``replay_layer``, ``assert_layers_compute``, ``assert_png_drawn`` and the published architectures
``assert_is_lenet5``, ``assert_is_alexnet``, ``assert_vgg_table`` never touch a student object:
they run in the test's own process on a trace from gradekit.probes.q5.layer_trace, with torch and
gradekit.ops as the references. Visible and hidden tests share them; q6's checks use the first three.
"""

from __future__ import annotations


def replay_layer(row: dict):
    """Recompute one traced layer's output from its input, settings and parameters with torch / gradekit.ops.

    Inputs:
    - row: one dict of :func:`gradekit.probes.q5.layer_trace` (taken with with_params=True), eval mode

    Returns:
    - the tensor that layer must have produced
    """
    import torch
    import torch.nn.functional as F

    cls, s, p, b, x = row["class"], row["settings"], row["params"], row["buffers"], row["input"]
    if cls == "Conv2d":
        return F.conv2d(x, p["weight"], p.get("bias"), s["stride"], s["padding"], s["dilation"], s["groups"])
    if cls == "Linear":
        return F.linear(x, p["weight"], p.get("bias"))
    if cls == "BatchNorm2d":
        return F.batch_norm(
            x, b["running_mean"], b["running_var"], p.get("weight"), p.get("bias"), False, 0.0, s["eps"]
        )
    if cls == "MaxPool2d":
        return F.max_pool2d(x, s["kernel_size"], s["stride"], s["padding"], s["dilation"], s["ceil_mode"])
    if cls == "AvgPool2d":
        return F.avg_pool2d(x, s["kernel_size"], s["stride"], s["padding"], s["ceil_mode"], s["count_include_pad"])
    if cls == "AdaptiveAvgPool2d":
        return F.adaptive_avg_pool2d(x, s["output_size"])
    if cls == "LocalResponseNorm" and row["qualified"].startswith("gradekit."):
        from gradekit import ops

        return ops.lrn(x, s["size"], s["alpha"], s["beta"], s["k"], s["convention"])
    if cls == "LocalResponseNorm" and row["qualified"].startswith("torch."):
        return F.local_response_norm(x, s["size"], s["alpha"], s["beta"], s["k"])
    if cls == "Flatten":
        return torch.flatten(x, s["start_dim"], s["end_dim"])
    if cls == "Softmax":
        return F.softmax(x, dim=s["dim"])
    simple = {
        "ReLU": F.relu,
        "Tanh": torch.tanh,
        "Sigmoid": torch.sigmoid,
        "Dropout": lambda t: t,
        "Identity": lambda t: t,
    }
    if cls in simple:
        return simple[cls](x)
    raise AssertionError(
        f"layer {row['name']} is a {row['qualified']}, which this check cannot recompute: build the model "
        "from torch.nn layers (and gradekit.ops.LocalResponseNorm)"
    )


def assert_layers_compute(
    trace: list[dict], x, out, *, rtol: float = 1e-5, atol: float = 1e-5, what: str = "model"
) -> None:
    """A sequential model really computes what its layers say, one after the other.

    Each traced layer's output must equal :func:`replay_layer` (layers traced without their
    parameters are skipped), the first layer must read ``x``,
    each next layer the previous output (flattening between them is allowed) and the last
    output must be the model's output ``out``.
    """
    __tracebackhide__ = True
    from gradekit.testing import assert_close

    if not trace:
        raise AssertionError(f"{what}: no layer module ran in forward (build it from nn.Module layers)")
    expected_input = x
    for row in trace:
        given = row["input"]
        if given is None or given.numel() != expected_input.numel():
            raise AssertionError(
                f"{what}: layer {row['name']} ({row['class']}) does not read the previous layer's output "
                f"(it got {None if given is None else tuple(given.shape)}, the previous output is "
                f"{tuple(expected_input.shape)}): forward must call the layers in order, skipping none"
            )
        assert_close(
            given.flatten(),
            expected_input.flatten(),
            rtol=0,
            atol=0,
            name=f"{what}: the input of layer {row['name']} ({row['class']}) vs the previous output",
        )
        if row["params"] is not None:
            assert_close(
                row["output"],
                replay_layer(row),
                rtol=rtol,
                atol=atol,
                name=f"{what}: layer {row['name']} ({row['class']}) recomputed from its input",
            )
        expected_input = row["output"]
    assert_close(
        out.flatten(),
        expected_input.flatten(),
        rtol=0,
        atol=0,
        name=f"{what}: its output vs the last layer's output ({trace[-1]['name']})",
    )


def assert_png_drawn(path, *, min_width: int = 400, min_height: int = 200, what: str = "figure") -> None:
    """``path`` is a PNG of at least the given size with a drawing on it, not a blank canvas."""
    __tracebackhide__ = True
    import os

    import numpy as np
    from PIL import Image

    if not os.path.isfile(path):
        raise AssertionError(f"{what}: no file was written at {os.path.basename(path)}")
    with Image.open(path) as img:
        fmt, (width, height) = img.format, img.size
        gray = np.asarray(img.convert("L"), dtype=np.float64)
    if fmt != "PNG":
        raise AssertionError(f"{what}: the file is a {fmt}, expected a PNG (savefig(path) with a .png path)")
    if width < min_width or height < min_height:
        raise AssertionError(f"{what}: the PNG is {width}x{height} pixels, expected at least {min_width}x{min_height}")
    values, counts = np.unique(gray, return_counts=True)
    drawn = float(np.mean(gray != values[np.argmax(counts)]))
    if drawn < 0.01 or gray.std() < 5:
        raise AssertionError(f"{what}: the PNG is nearly blank ({drawn:.1%} of pixels differ from the background)")


# ----- The published architectures, checked on a trace (trusted; shared by visible and hidden tests). -----


def _pair(value):
    return tuple(value) if isinstance(value, (tuple, list)) else (value, value)


def kernel_settings(row):
    """(kernel, stride, padding) of a convolution or pooling row as pairs; 'same' padding of a
    stride-1 odd kernel is written as the number it means."""
    s = row["settings"]
    k = _pair(s["kernel_size"])
    padding = tuple((n - 1) // 2 for n in k) if s["padding"] == "same" else _pair(s["padding"])
    return k, _pair(s["stride"]), padding


def assert_is_lenet5(trace, x, out, num_classes: int) -> None:
    """LeNet-5 as q5.1 specifies: C1 6@28x28, S2, C3 16@10x10, S4, C5 120, F6 84, output; 5x5
    convolutions, 2x2/2 average pooling, four tanh and no ReLU or max pooling; computed in that order."""
    __tracebackhide__ = True
    from gradekit.testing import assert_equal

    main = []
    for r in trace:
        if r["class"] in ("Conv2d", "Linear", "AvgPool2d", "MaxPool2d"):
            shape = tuple(r["output"].shape[1:])
            # C5 may be a 5x5 convolution giving 120x1x1 or a linear layer on the flattened S4.
            is_c5 = r["class"] in ("Conv2d", "Linear") and shape in ((120, 1, 1), (120,)) and len(main) == 4
            kernel = kernel_settings(r)[:2] if r["class"] != "Linear" else None
            main.append(("C5", (120,), None) if is_c5 else (r["class"], shape, kernel))
    five, two = ((5, 5), (1, 1)), ((2, 2), (2, 2))
    expected = [
        ("Conv2d", (6, 28, 28), five),
        ("AvgPool2d", (6, 14, 14), two),
        ("Conv2d", (16, 10, 10), five),
        ("AvgPool2d", (16, 5, 5), two),
        ("C5", (120,), None),
        ("Linear", (84,), None),
        ("Linear", (num_classes,), None),
    ]
    assert_equal(
        main,
        expected,
        name="LeNet-5's (layer, output shape, (kernel, stride)) for C1, S2, C3, S4, C5, "
        "F6 and the output on 32x32 images",
    )
    classes = [r["class"] for r in trace]
    for banned in ("ReLU", "MaxPool2d", "Sigmoid"):
        assert banned not in classes, f"LeNet-5 has no {banned}; its layers run as {classes}"
    assert_equal(classes.count("Tanh"), 4, name="number of nn.Tanh calls (after C1, C3, C5 and F6)")
    assert_layers_compute(trace, x, out, what="LeNet5")


LRN_PAPER = (5, 1e-4, 0.75, 2.0, "alexnet")  # (size n, alpha, beta, k, convention) of Krizhevsky et al. 2012


def assert_is_alexnet(trace, x, out, num_classes: int, groups: int) -> None:
    """AlexNet as q5.2 specifies, on 227x227 images: every layer's type, output shape, kernel, stride,
    padding and groups; ReLU after each convolution and fc6, fc7; gradekit's LRN with the paper's
    constants after conv1 and conv2; dropout 0.5 on fc6 and fc7; computed in that order."""
    __tracebackhide__ = True
    from gradekit.testing import assert_equal

    got = []
    for r in trace:
        shape = tuple(r["output"].shape[1:])
        if r["class"] == "Conv2d":
            got.append(("Conv2d", shape, *kernel_settings(r), r["settings"]["groups"]))
        elif r["class"] in ("MaxPool2d", "AvgPool2d"):
            got.append((r["class"], shape, *kernel_settings(r)))
        elif r["class"] in ("Linear", "LocalResponseNorm"):
            got.append((r["class"], shape))

    def conv(shape, k, s, p, g=1):
        return ("Conv2d", shape, (k, k), (s, s), (p, p), g)

    def pool(shape):  # overlapping: 3x3 windows every 2 pixels
        return ("MaxPool2d", shape, (3, 3), (2, 2), (0, 0))

    expected = [
        conv((96, 55, 55), 11, 4, 0),
        ("LocalResponseNorm", (96, 55, 55)),
        pool((96, 27, 27)),
        conv((256, 27, 27), 5, 1, 2, groups),
        ("LocalResponseNorm", (256, 27, 27)),
        pool((256, 13, 13)),
        conv((384, 13, 13), 3, 1, 1),
        conv((384, 13, 13), 3, 1, 1, groups),
        conv((256, 13, 13), 3, 1, 1, groups),
        pool((256, 6, 6)),
        ("Linear", (4096,)),
        ("Linear", (4096,)),
        ("Linear", (num_classes,)),
    ]
    assert_equal(
        got,
        expected,
        name=f"AlexNet(num_classes={num_classes}, groups={groups})'s layers (type, output "
        "shape, kernel, stride, padding, groups) on 227x227 images",
    )
    classes = [r["class"] for r in trace]
    weighted = [i for i, c in enumerate(classes) if c in ("Conv2d", "Linear")]
    for i in weighted[:-1]:  # every convolution and fc6, fc7; fc8 gives the logits
        assert i + 1 < len(classes) and classes[i + 1] == "ReLU", (
            f"{trace[i]['name']} ({classes[i]}) must be followed by nn.ReLU; the layers run as {classes}"
        )
    assert_equal(classes.count("ReLU"), 7, name="number of nn.ReLU calls")
    fc6, fc7, fc8 = weighted[-3:]
    for lo, hi, where in ((fc6, fc7, "between fc6 and fc7"), (fc7, fc8, "between fc7 and fc8")):
        rates = [trace[i]["settings"].get("p") for i in range(lo, hi) if classes[i] == "Dropout"]
        assert_equal(rates, [0.5], name=f"dropout rates {where}")
    assert_equal(classes.count("Dropout"), 2, name="number of nn.Dropout layers")
    for r in trace:
        if r["class"] == "LocalResponseNorm":
            assert r["qualified"] == "gradekit.ops.LocalResponseNorm", (
                f"{r['name']} is a {r['qualified']}: use gradekit.ops.LocalResponseNorm"
            )
            got_lrn = tuple(r["settings"].get(key) for key in ("size", "alpha", "beta", "k", "convention"))
            assert_equal(got_lrn, LRN_PAPER, name=f"(size, alpha, beta, k, convention) of {r['name']}")
    assert_layers_compute(trace, x, out, what="AlexNet")


def _vgg_blocks(*convs_per_block):
    return sum(([c] * n + ["M"] for c, n in zip((64, 128, 256, 512, 512), convs_per_block)), [])


# Table 1 of Simonyan and Zisserman (2015): 3x3 convolutions by output channels, "M" for max pooling.
VGG_TABLE = {
    "A": _vgg_blocks(1, 1, 2, 2, 2),
    "B": _vgg_blocks(2, 2, 2, 2, 2),
    "D": _vgg_blocks(2, 2, 3, 3, 3),
    "E": _vgg_blocks(2, 2, 4, 4, 4),
}


def assert_vgg_table(table) -> None:
    """``vgg_configs()`` is the paper's Table 1 for A, B, D and E (every VGG is built from it)."""
    __tracebackhide__ = True
    from gradekit.testing import assert_equal

    assert_equal(sorted(table), sorted(VGG_TABLE), name="the configurations in vgg_configs()")
    for key, expected in VGG_TABLE.items():
        assert_equal(list(table[key]), expected, name=f"vgg_configs()['{key}']")
