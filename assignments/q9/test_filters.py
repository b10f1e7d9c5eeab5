"""q9.1, q9.2: the first-layer filters of the kit's trained backbone as a normalized grid, and its PNG.

The grid is checked for what defines it (gradekit.checks.q9.assert_filter_grid: its layout, the
pad value, each tile its own filter stretched to [0, 1]); the figure is read back through probes
(axes, titles, the image it shows) and the PNG from disk.
"""
import numpy as np
import pytest
import torch

import gradekit
from gradekit import backbone
from gradekit.checks import q5 as checks_q5
from gradekit.checks import q9 as checks_q9
from gradekit.probes import q2 as probes_q2
from gradekit.testing import assert_equal

filters = gradekit.submission("q9.filters")


def conv1_weights():
    """The trained backbone's first-layer filters: (16, 1, 5, 5), float32."""
    return backbone.load_pretrained().features.conv1.weight.detach().clone()


@pytest.mark.task("q9.1")
def test_backbone_filters_in_a_4x4_grid():
    weights = conv1_weights()
    grid = filters.filter_grid(weights)
    # 16 filters: 4 per row, 4 rows of 5 pixels with 1 pixel between them: 4 * 5 + 3 = 23.
    assert_equal(tuple(np.shape(grid)), (23, 23), name="filter_grid(conv1 weights (16, 1, 5, 5)).shape")
    checks_q9.assert_filter_grid(grid, weights, name="filter_grid(conv1 weights), each filter min-max normalized on its own")


@pytest.mark.task("q9.1")
def test_rgb_filters_with_an_unfilled_last_row():
    # Ten 3x3 RGB filters, four per row: three rows, the last one holding two filters and two
    # empty cells of the pad value. Filter scales differ by 100x, so normalizing over all filters
    # at once would flatten most of them.
    rng = np.random.default_rng(1)
    weights = rng.standard_normal((10, 3, 3, 3)) * np.logspace(-2, 0, 10)[:, None, None, None]
    grid = filters.filter_grid(torch.from_numpy(weights), ncols=4, pad=2, pad_value=0.5)
    assert_equal(tuple(np.shape(grid)), (13, 18, 3), name="filter_grid(10 RGB 3x3 filters, ncols=4, pad=2).shape")
    checks_q9.assert_filter_grid(grid, weights, ncols=4, pad=2, pad_value=0.5,
                                 name="filter_grid(10 RGB 3x3 filters, ncols=4, pad=2, pad_value=0.5)")


@pytest.mark.task("q9.2")
def test_filter_grid_png_shows_the_normalized_filters(tmp_path):
    weights = conv1_weights()
    path = tmp_path / "conv1_filters.png"
    fig = filters.plot_filter_grid(weights, path, "conv1 of the kit's backbone")
    checks_q5.assert_png_drawn(path, min_width=400, min_height=400, what="plot_filter_grid")
    shown = probes_q2.figure_summary(fig)
    assert_equal(shown["axes"], 1, name="number of axes in the filter figure")
    assert_equal(shown["titles"], ["conv1 of the kit's backbone"], name="the axes title")
    assert shown["images"][0] is not None, "the axes shows no image (draw the grid with imshow)"
    checks_q9.assert_filter_grid(shown["images"][0], weights, name="the image in the filter figure")
