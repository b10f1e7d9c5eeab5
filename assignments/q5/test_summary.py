"""q5.4: a layer summary from forward hooks, compared with the probes' own hooks, and its table."""
import pytest
import torch

import gradekit
from gradekit import probes
from gradekit.probes import q5 as probes_q5
from gradekit.testing import assert_equal

summary = gradekit.submission("q5.summary")


def expected_rows(model, input_shape):
    """(name, type, output shape, own parameters) of every leaf call, from the probes."""
    shapes = probes.output_shapes(model, torch.zeros(1, *input_shape))
    counts = probes_q5.leaf_param_counts(model)
    return [(name, cls, tuple(shape), counts[name]) for name, cls, shape in shapes]


def as_plain_rows(rows):
    try:
        return [(str(n), str(t), tuple(int(v) for v in s), int(p)) for n, t, s, p in rows]
    except (TypeError, ValueError) as exc:
        raise AssertionError(f"summary rows must be (name, type, shape tuple, params) tuples: {exc}") from None


@pytest.mark.task("q5.4")
def test_summary_lists_every_layer_with_shape_and_parameters():
    torch.manual_seed(6)
    model = summary.example_cnn(num_classes=5)
    rows = as_plain_rows(summary.summary(model, (3, 12, 12)))
    expected = expected_rows(model, (3, 12, 12))
    assert_equal(len(rows), len(expected), name="number of summary rows (one per leaf layer call)")
    for got, want in zip(rows, expected):
        assert_equal(got, want, name=f"summary row of {want[0]}")
    assert_equal(sum(r[3] for r in rows), probes.param_count(model), name="the rows' parameters summed")


@pytest.mark.task("q5.4")
def test_summary_leaves_no_hooks_and_restores_training_mode():
    model = summary.example_cnn()
    assert probes.is_training(model)
    summary.summary(model, (3, 8, 8))
    assert_equal(probes_q5.forward_hook_count(model), 0, name="hooks left on the model after summary()")
    assert probes.is_training(model), "summary() must put the model back in training mode"


@pytest.mark.task("q5.4")
def test_format_summary_prints_one_line_per_layer_and_the_total():
    rows = [("features.0", "Conv2d", (1, 6, 28, 28), 156), ("features.1", "Tanh", (1, 6, 28, 28), 0),
            ("classifier.3", "Linear", (1, 10), 61550)]
    text = summary.format_summary(rows)
    assert isinstance(text, str), f"format_summary must return a str, got {type(text).__name__}"
    lines = text.splitlines()
    at = 0
    for name, layer_type, shape, params in rows:
        parts = (name, layer_type, str(shape), f"{params:,}")
        found = [i for i in range(at, len(lines)) if all(p in lines[i] for p in parts)]
        assert found, f"no line after line {at + 1} holds {parts} in:\n{text}"
        at = found[0] + 1
    assert any("total" in line.lower() and "61,706" in line for line in lines[at:]), (
        f"the table must end with a total line showing 61,706, got:\n{text}")
