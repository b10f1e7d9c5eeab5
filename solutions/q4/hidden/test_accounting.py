"""Hidden tests of q4's accounting: fresh random layers measured by torch, edge cases, and memory
reports derived by hand or by the reference solution."""
import numpy as np
import pytest

import gradekit
from gradekit.checks.q4 import measure_layer
from gradekit.testing import assert_equal

acc = gradekit.submission("q4.accounting")


def assert_report(report, expected, call):
    """Key by key, so that the failure names the figure that is off."""
    for key, value in expected.items():
        assert_equal(report[key] if key in report else "missing", value, name=f"{call}[{key!r}]")


def random_size(rng, low, high, pair_chance=0.4):
    """An int, or sometimes an (h, w) pair."""
    if rng.random() < pair_chance:
        return (int(rng.integers(low, high + 1)), int(rng.integers(low, high + 1)))
    return int(rng.integers(low, high + 1))


def as_pair(value):
    return value if isinstance(value, tuple) else (value, value)


def random_conv(rng):
    """A conv spec and an input it fits, with groups, no bias, pairs and every padding mode."""
    groups = int(rng.choice([1, 1, 2, 3]))
    channels = groups * int(rng.integers(1, 5))
    spec = {"kind": "conv", "filters": groups * int(rng.integers(1, 6)), "kernel": random_size(rng, 1, 5),
            "stride": random_size(rng, 1, 4), "groups": groups, "bias": bool(rng.random() < 0.7)}
    mode = rng.choice(["same", "valid", "int"])
    kh, kw = as_pair(spec["kernel"])
    if mode == "int":
        spec["padding"] = (int(rng.integers(0, kh)), int(rng.integers(0, kw)))
    else:
        spec["padding"] = str(mode)
    size = (int(rng.integers(max(kh, 1), 24)), int(rng.integers(max(kw, 1), 24)))
    return (channels, *size), spec


def random_pool(rng):
    kernel = random_size(rng, 1, 4)
    kh, kw = as_pair(kernel)
    spec = {"kind": str(rng.choice(["max_pool", "avg_pool"])), "kernel": kernel,
            "padding": (int(rng.integers(0, kh // 2 + 1)), int(rng.integers(0, kw // 2 + 1)))}
    if rng.random() < 0.6:
        spec["stride"] = random_size(rng, 1, 3)
    return (int(rng.integers(1, 6)), int(rng.integers(kh, 20)), int(rng.integers(kw, 20))), spec


def random_layers(seed, count):
    """``count`` (input_shape, spec) pairs; the first is a "same" conv of stride 2 on odd sizes, the case
    where rounding up and rounding down part ways."""
    rng = np.random.default_rng(seed)
    cases = [((3, 15, 9), {"kind": "conv", "filters": 4, "kernel": 3, "stride": 2, "padding": "same", "groups": 1})]
    while len(cases) < count:
        pick = rng.random()
        if pick < 0.55:
            cases.append(random_conv(rng))
        elif pick < 0.8:
            cases.append(random_pool(rng))
        elif pick < 0.9:
            cases.append(((int(rng.integers(1, 9)), int(rng.integers(1, 9)), int(rng.integers(1, 9))), {"kind": "flatten"}))
        else:
            cases.append(((int(rng.integers(1, 300)),),
                          {"kind": "linear", "units": int(rng.integers(1, 50)), "bias": bool(rng.random() < 0.7)}))
    return cases


@pytest.mark.task("q4.1")
@pytest.mark.parametrize("seed", [11, 12, 13])
def test_output_shapes_of_random_layers(seed):
    for input_shape, spec in random_layers(seed, 40):
        expected = measure_layer(input_shape, spec)["output_shape"]
        assert_equal(tuple(acc.output_shape(input_shape, spec)), expected, name=f"output_shape({input_shape}, {spec})")


@pytest.mark.task("q4.1")
def test_output_shapes_at_the_edges():
    cases = [
        ((2, 7, 7), {"kind": "conv", "filters": 3, "kernel": 7, "padding": "valid"}),           # kernel = input: 1x1
        ((2, 10, 9), {"kind": "conv", "filters": 3, "kernel": 2, "stride": 5}),                # stride > kernel
        ((1, 6, 6), {"kind": "conv", "filters": 2, "kernel": 3, "padding": 2}),                # padding = kernel - 1
        ((4, 1, 1), {"kind": "conv", "filters": 8, "kernel": 3, "stride": 3, "padding": "same"}),
        ((1, 7, 8), {"kind": "conv", "filters": 1, "kernel": 3, "stride": 3, "padding": "same"}),
        ((3, 3, 3), {"kind": "conv", "filters": 2, "kernel": 5, "padding": "same"}),           # kernel > input
        ((1, 5, 6), {"kind": "conv", "filters": 1, "kernel": (1, 4), "stride": (4, 1), "padding": "same"}),
        ((3, 5, 5), {"kind": "max_pool", "kernel": 5}),
        ((3, 9, 4), {"kind": "avg_pool", "kernel": (3, 2), "stride": (1, 2), "padding": (1, 1)}),
    ]
    for input_shape, spec in cases:
        expected = measure_layer(input_shape, spec)["output_shape"]
        assert_equal(tuple(acc.output_shape(input_shape, spec)), expected, name=f"output_shape({input_shape}, {spec})")


@pytest.mark.task("q4.2")
@pytest.mark.parametrize("seed", [21, 22])
def test_parameters_of_random_layers(seed):
    cases = random_layers(seed, 40)
    cases.append(((6, 8, 8), {"kind": "conv", "filters": 9, "kernel": 2, "groups": 3}))  # grouped and biased
    for input_shape, spec in cases:
        expected = measure_layer(input_shape, spec)["params"]
        assert_equal(acc.layer_params(input_shape, spec), expected, name=f"layer_params({input_shape}, {spec})")


@pytest.mark.task("q4.2")
def test_parameters_of_the_paper_alexnet_layer_by_layer():
    convs = [((3, 227, 227), 96, 11, 1), ((96, 27, 27), 256, 5, 2), ((256, 13, 13), 384, 3, 1),
             ((384, 13, 13), 384, 3, 2), ((384, 13, 13), 256, 3, 2)]
    # (k*k*C/groups + 1) * filters per conv layer; (in + 1) * out per linear layer: 60,965,224 in all.
    expected = [34_944, 307_456, 885_120, 663_936, 442_624, 37_752_832, 16_781_312, 4_097_000]
    got = [acc.layer_params(shape, {"kind": "conv", "filters": f, "kernel": k, "groups": g})
           for shape, f, k, g in convs]
    got += [acc.layer_params((n_in,), {"kind": "linear", "units": n_out})
            for n_in, n_out in ((9216, 4096), (4096, 4096), (4096, 1000))]
    assert_equal(got, expected, name="layer_params of the paper's AlexNet, layer by layer")
    assert sum(got) == 60_965_224, f"the paper's AlexNet totals {sum(got):,} parameters, expected 60,965,224"


@pytest.mark.task("q4.3")
@pytest.mark.parametrize("seed", [31, 32])
def test_multiply_adds_of_random_layers(seed):
    cases = random_layers(seed, 40)
    cases.append(((8, 9, 9), {"kind": "conv", "filters": 4, "kernel": 3, "stride": 2, "groups": 4}))
    for input_shape, spec in cases:
        reference = measure_layer(input_shape, spec)
        got = acc.multiply_adds(input_shape, reference["output_shape"], spec)
        assert_equal(got, reference["macs"], name=f"multiply_adds({input_shape}, {reference['output_shape']}, {spec})")


def random_rows(rng):
    """A random network summary: conv and pool rows, a flatten, linear rows (shapes need not chain)."""
    rows = []
    for _ in range(int(rng.integers(1, 6))):
        kind = str(rng.choice(["conv", "max_pool", "avg_pool"]))
        shape = tuple(int(v) for v in rng.integers(1, 40, size=3))
        rows.append({"kind": kind, "output_shape": shape, "params": int(rng.integers(1, 10**5)) if kind == "conv" else 0})
    rows.append({"kind": "flatten", "output_shape": (int(np.prod(rows[-1]["output_shape"])),), "params": 0})
    for _ in range(int(rng.integers(1, 4))):
        rows.append({"kind": "linear", "output_shape": (int(rng.integers(1, 5000)),), "params": int(rng.integers(1, 10**6))})
    return rows


@pytest.mark.task("q4.4")
def test_memory_with_adam_float64_and_a_large_input():
    # A 4-stride conv shrinks the input 16x in area, so the largest pair is the input and conv1.
    rows = [{"kind": "conv", "output_shape": (8, 16, 16), "params": 392},      # 3x4x4 kernels
            {"kind": "max_pool", "output_shape": (8, 8, 8), "params": 0},
            {"kind": "flatten", "output_shape": (512,), "params": 0},
            {"kind": "linear", "output_shape": (5,), "params": 2_565}]
    # parameters 2,957; activations 2,048 + 512 + 5 = 2,565; pair 12,288 + 2,048 = 14,336;
    # training 4 * 2,957 (weights, gradients, Adam's two moments) + 3 * (12,288 + 2,565).
    expected = {"parameters": 2_957, "activation_values": 2_565, "inference_bytes": 8 * (2_957 + 14_336),
                "training_bytes": 8 * (4 * 2_957 + 3 * 14_853)}
    report = acc.memory_report((3, 64, 64), rows, batch_size=3, bytes_per_value=8, optimizer_states=2)
    assert_report(report, expected, "memory_report, float64, Adam, batch 3")


@pytest.mark.task("q4.4")
@pytest.mark.parametrize("seed", [41, 42, 43])
def test_memory_of_random_networks_against_the_reference(seed):
    rng = np.random.default_rng(seed)
    reference = gradekit.reference("q4.accounting")
    for _ in range(10):
        rows = random_rows(rng)
        input_shape = tuple(int(v) for v in rng.integers(1, 60, size=3))
        options = {"batch_size": int(rng.integers(2, 129)), "bytes_per_value": int(rng.choice([2, 4, 8])),
                   "optimizer_states": int(rng.integers(0, 3))}
        expected = reference.memory_report(input_shape, rows, **options)
        assert_report(acc.memory_report(input_shape, rows, **options), expected,
                      f"memory_report({input_shape}, {len(rows)} rows, {options})")
