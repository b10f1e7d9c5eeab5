"""Hidden tests of q5.4 and q5.5: another input size, eval mode kept, hooks removed after a failure,
diagrams of one layer and of many."""
import pytest
import torch

import gradekit
from gradekit import probes
from gradekit.checks import q5 as checks_q5
from gradekit.probes import q5 as probes_q5
from gradekit.testing import assert_equal

summary = gradekit.submission("q5.summary")
diagrams = gradekit.submission("q5.diagrams")


@pytest.mark.task("q5.4")
def test_summary_of_a_rectangular_input_in_eval_mode():
    torch.manual_seed(14)
    model = summary.example_cnn(num_classes=3)
    model.eval()
    rows = summary.summary(model, (3, 9, 14))
    shapes = probes.output_shapes(model, torch.zeros(1, 3, 9, 14))
    counts = probes_q5.leaf_param_counts(model)
    assert_equal([(str(n), str(t), tuple(s), int(p)) for n, t, s, p in rows],
                 [(n, c, tuple(s), counts[n]) for n, c, s in shapes], name="summary(example_cnn(3), (3, 9, 14))")
    assert not probes.is_training(model), "summary() must leave a model in eval mode in eval mode"


@pytest.mark.task("q5.4")
def test_summary_removes_its_hooks_when_the_forward_pass_fails():
    model = summary.example_cnn()
    try:
        summary.summary(model, (5, 8, 8))  # 5 channels: the first convolution expects 3
    except NotImplementedError:
        raise
    except Exception:  # noqa: BLE001 - the model's own error is expected; the hooks are what is checked
        pass
    else:
        raise AssertionError("summary(example_cnn(), (5, 8, 8)) ran a 3-channel model on 5 channels")
    assert_equal(probes_q5.forward_hook_count(model), 0, name="hooks left after a failed summary()")


@pytest.mark.task("q5.5")
def test_draw_architecture_of_a_single_layer(tmp_path):
    rows = [("fc", "Linear", (1, 3), 12)]
    fig = diagrams.draw_architecture(rows, tmp_path / "one.png", "one layer")
    checks_q5.assert_png_drawn(tmp_path / "one.png", what="a one-layer diagram")
    contents = probes_q5.diagram_contents(fig)
    assert any("Linear" in t and "3" in t for t in contents["texts"]), f"texts drawn: {contents['texts']}"
    assert contents["boxes"] >= 1, "no box drawn for the one layer"


@pytest.mark.task("q5.5")
def test_draw_architecture_of_many_layers_keeps_their_order(tmp_path):
    rows = [(f"l{i}", ("Conv2d", "MaxPool2d")[i % 2], (1, 8 + i, 40 - 2 * i, 40 - 2 * i), i) for i in range(18)]
    fig = diagrams.draw_architecture(rows, tmp_path / "many.png", "eighteen layers")
    checks_q5.assert_png_drawn(tmp_path / "many.png", what="an 18-layer diagram")
    texts = probes_q5.diagram_contents(fig)["texts"]
    labels = [f"{t}" for _, t, _, _ in rows]
    shapes = ["x".join(str(v) for v in s[1:]) for _, _, s, _ in rows]
    at = 0
    for layer_type, shape in zip(labels, shapes):
        found = [i for i in range(at, len(texts)) if layer_type in texts[i] and shape in texts[i]]
        assert found, f"{layer_type} {shape} is not labelled after text {at}; texts: {texts}"
        at = found[0] + 1
