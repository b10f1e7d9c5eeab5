"""q5.5: architecture diagrams: one box and one label per layer, saved as a real PNG."""
from pathlib import Path

import pytest

import gradekit
from gradekit.checks import q5 as checks_q5
from gradekit.probes import q5 as probes_q5

diagrams = gradekit.submission("q5.diagrams")

LENET_ROWS = [
    ("c1", "Conv2d", (1, 6, 28, 28), 156), ("s2", "AvgPool2d", (1, 6, 14, 14), 0),
    ("c3", "Conv2d", (1, 16, 10, 10), 2416), ("s4", "AvgPool2d", (1, 16, 5, 5), 0),
    ("c5", "Conv2d", (1, 120, 1, 1), 48120), ("f6", "Linear", (1, 84), 10164), ("out", "Linear", (1, 10), 850),
]


def assert_one_label_per_row(contents, rows):
    """Each row's type and shape (like '6x28x28') appear in a text, in the rows' order, and it has a box."""
    __tracebackhide__ = True
    texts = contents["texts"]
    at = 0
    for _, layer_type, shape, _ in rows:
        label = "x".join(str(s) for s in shape[1:])
        found = [i for i in range(at, len(texts)) if layer_type in texts[i] and label in texts[i]]
        assert found, f"no text after the {at}th names {layer_type} with shape {label}; texts drawn: {texts}"
        at = found[0] + 1
    assert contents["boxes"] >= len(rows), f"{contents['boxes']} boxes drawn for {len(rows)} layers"


@pytest.mark.task("q5.5")
def test_draw_architecture_draws_every_row(tmp_path):
    path = tmp_path / "lenet5.png"
    fig = diagrams.draw_architecture(LENET_ROWS, path, "LeNet-5")
    checks_q5.assert_png_drawn(path, what="draw_architecture(LeNet-5 rows)")
    contents = probes_q5.diagram_contents(fig)
    assert_one_label_per_row(contents, LENET_ROWS)
    assert any("LeNet-5" in t for t in contents["titles"]), f"titles {contents['titles']} lack 'LeNet-5'"


@pytest.mark.task("q5.5")
def test_classic_diagrams_are_written_for_the_three_networks(tmp_path):
    paths = diagrams.draw_classic_diagrams(tmp_path)
    assert sorted(paths) == ["alexnet", "lenet5", "vgg16"], f"keys {sorted(paths)}"
    for key, path in paths.items():
        assert Path(path).name == f"{key}.png", f"the {key} diagram is {Path(path).name}, expected {key}.png"
        checks_q5.assert_png_drawn(tmp_path / f"{key}.png", what=f"the {key} diagram")
