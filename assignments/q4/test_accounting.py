"""Visible tests of q4's accounting: the seed network's figures, single layers measured by torch,
and the layers of torchvision's AlexNet, VGG16 and MobileNetV2 (grouped, bias-free convolutions)."""
import functools

import pytest
import torch
import torchvision

import gradekit
from gradekit.checks.q4 import measure_layer, torchvision_layers
from gradekit.testing import assert_equal

acc = gradekit.submission("q4.accounting")


def assert_report(report, expected, call):
    """Key by key, so that the failure names the figure that is off."""
    for key, value in expected.items():
        assert_equal(report[key] if key in report else "missing", value, name=f"{call}[{key!r}]")

# The seed homework's network: 200x300 RGB input, three 3x3 conv layers of stride 2 with SAME
# padding and 100, 200, 400 feature maps.
SEED_INPUT = (3, 200, 300)
SEED_LAYERS = [{"kind": "conv", "filters": f, "kernel": 3, "stride": 2, "padding": "same"} for f in (100, 200, 400)]
SEED_SHAPES = [(100, 100, 150), (200, 50, 75), (400, 25, 38)]  # 75 / 2 rounds up to 38 under SAME
SEED_PARAMS = [2_800, 180_200, 720_400]  # (3*3*3 + 1)*100, (3*3*100 + 1)*200, (3*3*200 + 1)*400: 903,400 in all

# Single layers with what makes each rule differ: odd sizes, strides that do not divide, pairs.
LAYER_CASES = [
    ((3, 9, 8), {"kind": "conv", "filters": 4, "kernel": 3, "stride": 2, "padding": "valid"}),
    ((4, 7, 10), {"kind": "conv", "filters": 6, "kernel": 3, "stride": 2, "padding": "same"}),
    ((2, 6, 5), {"kind": "conv", "filters": 3, "kernel": 4, "padding": "same"}),
    ((3, 8, 9), {"kind": "conv", "filters": 5, "kernel": (3, 5), "stride": (2, 1), "padding": (1, 2)}),
    ((6, 11, 11), {"kind": "conv", "filters": 9, "kernel": 1, "stride": 3, "groups": 3, "bias": False}),
    ((5, 13, 13), {"kind": "max_pool", "kernel": 3, "stride": 2}),
    ((2, 7, 7), {"kind": "avg_pool", "kernel": 2, "padding": 1}),
    ((8, 3, 3), {"kind": "flatten"}),
    ((72,), {"kind": "linear", "units": 10}),
]


@functools.lru_cache(maxsize=1)  # plain data, shared by the q4.2 and q4.3 tests
def torchvision_rows():
    """AlexNet, VGG16 and MobileNetV2 (3x224x224), built on the meta device: shapes and counts only."""
    rows = []
    with torch.device("meta"):
        models = [torchvision.models.alexnet(), torchvision.models.vgg16(), torchvision.models.mobilenet_v2()]
    for model in models:
        rows += torchvision_layers(model, (3, 224, 224))
    return rows


@pytest.mark.task("q4.1")
def test_output_shapes_of_the_seed_network():
    shape = SEED_INPUT
    for index, (spec, expected) in enumerate(zip(SEED_LAYERS, SEED_SHAPES)):
        shape = acc.output_shape(shape, spec)
        assert_equal(tuple(shape), expected, name=f"output_shape of seed conv layer {index + 1}")


@pytest.mark.task("q4.1")
def test_output_shapes_of_single_layers_match_torch():
    for input_shape, spec in LAYER_CASES:
        expected = measure_layer(input_shape, spec)["output_shape"]
        assert_equal(tuple(acc.output_shape(input_shape, spec)), expected, name=f"output_shape({input_shape}, {spec})")


@pytest.mark.task("q4.2")
def test_parameters_by_hand():
    shape = SEED_INPUT
    for index, (spec, expected, out) in enumerate(zip(SEED_LAYERS, SEED_PARAMS, SEED_SHAPES)):
        assert_equal(acc.layer_params(shape, spec), expected, name=f"layer_params of seed conv layer {index + 1}")
        shape = out
    # AlexNet's conv2 in the 2012 paper: 256 5x5 filters, each GPU's half seeing 48 of the 96 maps.
    conv2 = {"kind": "conv", "filters": 256, "kernel": 5, "padding": 2, "groups": 2}
    assert_equal(acc.layer_params((96, 27, 27), conv2), 256 * (5 * 5 * 48) + 256, name="layer_params of grouped conv2")
    no_bias = {"kind": "linear", "units": 10, "bias": False}
    assert_equal(acc.layer_params((84,), no_bias), 840, name="layer_params((84,), linear 10 without bias)")


@pytest.mark.task("q4.2")
def test_parameters_of_torchvision_layers():
    for index, row in enumerate(torchvision_rows()):
        got = acc.layer_params(row["input_shape"], dict(row["spec"]))  # a copy: the rows are cached
        assert_equal(got, row["params"], name=f"layer_params({row['input_shape']}, {row['spec']}) (layer {index})")


@pytest.mark.task("q4.3")
def test_multiply_adds_by_hand():
    shape = SEED_INPUT
    # H_out * W_out * filters * (3 * 3 * C_in): 40.5 million, 675 million, 684 million.
    for index, (spec, out, expected) in enumerate(zip(SEED_LAYERS, SEED_SHAPES, [40_500_000, 675_000_000, 684_000_000])):
        assert_equal(acc.multiply_adds(shape, out, spec), expected, name=f"multiply_adds of seed conv layer {index + 1}")
        shape = out
    depthwise = {"kind": "conv", "filters": 32, "kernel": 3, "padding": 1, "groups": 32, "bias": False}
    assert_equal(acc.multiply_adds((32, 112, 112), (32, 112, 112), depthwise), 112 * 112 * 32 * 9,
                 name="multiply_adds of a depthwise 3x3 conv (groups=32)")


@pytest.mark.task("q4.3")
def test_multiply_adds_of_torchvision_layers_match_torchs_flop_counter():
    for index, row in enumerate(torchvision_rows()):
        got = acc.multiply_adds(row["input_shape"], row["output_shape"], dict(row["spec"]))
        assert_equal(got, row["macs"], name=f"multiply_adds for {row['spec']} on {row['input_shape']} (layer {index})")


@pytest.mark.task("q4.4")
def test_memory_of_the_seed_network():
    rows = [{"kind": "conv", "output_shape": s, "params": p} for s, p in zip(SEED_SHAPES, SEED_PARAMS)]
    report = acc.memory_report(SEED_INPUT, rows, batch_size=50)
    # activations: 1,500,000 + 750,000 + 380,000 values. Inference: 903,400 parameters plus the
    # largest neighbouring pair, layer 1 and layer 2 (2,250,000 values), 4 bytes each. Training:
    # parameters and gradients (2 * 903,400) plus 50 * (180,000 input + 2,630,000 activation) values.
    expected = {"parameters": 903_400, "activation_values": 2_630_000,
                "inference_bytes": 4 * (903_400 + 2_250_000), "training_bytes": 4 * (2 * 903_400 + 50 * 2_810_000)}
    assert_report(report, expected, "memory_report of the seed network, batch 50")


@pytest.mark.task("q4.4")
def test_memory_with_flatten_pooling_and_momentum():
    # conv 6@28x28 (156 params), pool 6@14x14, flatten (a view), linear 10 (11,770 params), input 1x32x32.
    rows = [{"kind": "conv", "output_shape": (6, 28, 28), "params": 156},
            {"kind": "max_pool", "output_shape": (6, 14, 14), "params": 0},
            {"kind": "flatten", "output_shape": (1176,), "params": 0},
            {"kind": "linear", "output_shape": (10,), "params": 11_770}]
    report = acc.memory_report((1, 32, 32), rows, batch_size=8, bytes_per_value=4, optimizer_states=1)
    # activations 4,704 + 1,176 + 10 = 5,890 (flatten adds none); largest pair: conv 4,704 + pool 1,176
    # = 5,880; training: 3 * 11,926 (weights, gradients, momentum) + 8 * (1,024 input + 5,890).
    expected = {"parameters": 11_926, "activation_values": 5_890, "inference_bytes": 4 * (11_926 + 5_880),
                "training_bytes": 4 * (3 * 11_926 + 8 * 6_914)}
    assert_report(report, expected, "memory_report of a small LeNet-like net, batch 8, SGD with momentum")
