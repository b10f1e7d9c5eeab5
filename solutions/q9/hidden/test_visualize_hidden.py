"""Hidden tests of q9: one filter, constant filters, a wide grid, RGB figures, other layers and a bad name."""
import numpy as np
import pytest
import torch

import gradekit
from gradekit import data
from gradekit.checks import q5 as checks_q5
from gradekit.checks import q9 as checks_q9
from gradekit.harness.importer import load_beside
from gradekit.probes import q2 as probes_q2
from gradekit.probes import q5 as probes_q5
from gradekit.testing import assert_close, assert_equal

filters = gradekit.submission("q9.filters")
feature_maps = gradekit.submission("q9.feature_maps")
references = load_beside(__file__, "references")  # q9.1's and q9.3's answers: never shipped


@pytest.mark.task("q9.1")
def test_single_filter_and_a_constant_one():
    w = np.random.default_rng(30).standard_normal((1, 1, 4, 3)).astype(np.float32)
    assert_close(filters.filter_grid(w), references.expected_filter_grid(w), rtol=1e-6, atol=1e-7,
                 name="filter_grid(one 4x3 filter)")
    w3 = np.stack([w[0], np.full((1, 4, 3), 0.7, dtype=np.float32), -w[0] * 5])  # the middle one has no contrast
    assert_close(filters.filter_grid(w3, ncols=5, pad=3, pad_value=0.25),
                 references.expected_filter_grid(w3, ncols=5, pad=3, pad_value=0.25), rtol=1e-6, atol=1e-7,
                 name="filter_grid(3 filters, one constant, ncols=5, pad=3, pad_value=0.25)")


@pytest.mark.task("q9.1")
def test_alexnet_sized_rgb_filters():
    w = torch.randn(96, 3, 11, 11, generator=torch.Generator().manual_seed(31)) * torch.linspace(0.01, 1, 96)[:, None, None, None]
    grid = filters.filter_grid(w)
    assert_equal(tuple(np.shape(grid)), (119, 119, 3), name="filter_grid(96 RGB 11x11 filters).shape (10 x 10 cells)")
    assert_close(grid, references.expected_filter_grid(w), rtol=1e-5, atol=1e-6, name="filter_grid(96 RGB 11x11 filters)")


@pytest.mark.task("q9.2")
def test_rgb_filter_figure(tmp_path):
    w = torch.randn(12, 3, 5, 5, generator=torch.Generator().manual_seed(32))
    path = tmp_path / "rgb_filters.png"
    fig = filters.plot_filter_grid(w, path, "twelve RGB filters")
    checks_q5.assert_png_drawn(path, min_width=400, min_height=400, what="plot_filter_grid of RGB filters")
    shown = probes_q2.figure_summary(fig)
    assert_equal((shown["axes"], shown["titles"]), (1, ["twelve RGB filters"]), name="(axes, titles) of the figure")
    assert_close(shown["images"][0], references.expected_filter_grid(w), rtol=1e-6, atol=1e-7,
                 name="the image in the RGB filter figure")


@pytest.mark.task("q9.3")
def test_global_pool_and_head_outputs_of_another_photo():
    coffee = data.photo("coffee", gray=True)[:200, :300]
    image = torch.from_numpy(coffee.copy()).float().div(255)[None, None]
    model = feature_maps.load_backbone()
    names = ["features.gap", "classifier", "features.relu4"]
    maps = feature_maps.feature_maps(model, image, names)
    expected = references.expected_feature_maps(image, ["features.gap", "features.relu4"])
    assert_equal(list(maps), names, name="the keys of feature_maps(..., gap/classifier/relu4)")
    for name, value in expected.items():
        assert_close(maps[name], value, rtol=1e-4, atol=1e-5, name=f"feature_maps(coffee)['{name}']")
    head = torch.nn.functional.linear(expected["features.gap"].flatten(1), *_head_weights())
    assert_close(maps["classifier"], head, rtol=1e-4, atol=1e-5, name="feature_maps(coffee)['classifier']")
    assert_equal(probes_q5.forward_hook_count(model), 0, name="forward hooks left after feature_maps")


def _head_weights():
    from gradekit import backbone

    head = backbone.load_pretrained().classifier
    return head.weight.detach(), head.bias.detach()


@pytest.mark.task("q9.3")
def test_unknown_layer_name_raises_and_leaves_no_hook():
    model = feature_maps.load_backbone()
    image = checks_q9.camera_input(32)
    with pytest.raises((AttributeError, KeyError, ValueError)):
        feature_maps.feature_maps(model, image, ["features.relu1", "features.no_such_layer"])
    assert_equal(probes_q5.forward_hook_count(model), 0, name="forward hooks left after a failed feature_maps")
    maps = feature_maps.feature_maps(model, image, ["features.relu1"])
    assert_close(maps["features.relu1"], references.expected_feature_maps(image, ["features.relu1"])["features.relu1"],
                 rtol=1e-4, atol=1e-5, name="feature_maps(...)['features.relu1'] after the failed call")


@pytest.mark.task("q9.4")
def test_four_channels_of_two_layers_of_a_batch(tmp_path):
    image = torch.cat([checks_q9.camera_input(64), checks_q9.camera_input(64).flip(-1)])
    maps = references.expected_feature_maps(image, ["features.conv2", "features.pool1"])
    path = tmp_path / "four.png"
    fig = feature_maps.plot_feature_maps(maps, path, 4)
    checks_q5.assert_png_drawn(path, min_width=400, min_height=200, what="plot_feature_maps with 4 per layer")
    shown = probes_q2.figure_summary(fig)
    cells = [(name, c) for name in maps for c in range(4)]
    assert_equal(shown["titles"], [f"{n} #{c}" for n, c in cells], name="the axes titles")
    for (name, c), shown_image in zip(cells, shown["images"]):
        assert_close(shown_image, maps[name][0, c], rtol=1e-6, atol=1e-7, name=f"the image of '{name} #{c}'")
