"""Trusted checks for q9 (visualization): the filter grid's properties and the feature maps' fingerprints.

Both run in the test's own process, and neither computes what the student's functions return:
that would be the answer itself, and this module ships with the visible tests. A filter grid is
checked for what defines it (its layout, the pad value around the tiles, each tile an increasing
affine image of its own filter stretched to [0, 1]); feature maps are compared with fingerprints
recorded from running the trusted backbone layer by layer (gradekit.checks.recorded). The full
references, for the hidden tests, sit in solutions/q9/hidden/references.py, which does not ship.
The probes q9's tests call on the student's objects are generic ones: q5's forward_hook_count and
q2's figure_summary.
"""

from __future__ import annotations

import math


def assert_filter_grid(
    grid, weights, *, ncols=None, pad: int = 1, pad_value: float = 1.0, atol: float = 1e-6, name: str
) -> None:
    """``grid`` is filter_grid(weights, ncols, pad, pad_value), checked by its properties.

    Shape rows * kh + (rows - 1) * pad by ncols * kw + (ncols - 1) * pad (then 3 for RGB); every
    pixel outside the tiles is pad_value; filter i's tile, in row i // ncols and column i % ncols,
    gives the filter back as min + tile * (max - min) with the filter's own min and max (so the
    tile runs from 0 to 1), and is all zeros for a constant filter. ``atol`` is on the [0, 1] scale.
    """
    __tracebackhide__ = True
    import numpy as np

    from gradekit.testing import assert_close, assert_equal

    filters = np.asarray(weights, dtype=np.float64)
    n, c, kh, kw = filters.shape
    ncols = ncols or math.ceil(math.sqrt(n))
    rows = -(-n // ncols)
    shape = (rows * kh + (rows - 1) * pad, ncols * kw + (ncols - 1) * pad) + ((3,) if c == 3 else ())
    assert_equal(tuple(np.shape(grid)), shape, name=f"the shape of {name}")
    cells = np.asarray(grid, dtype=np.float64).reshape(shape[0], shape[1], c)
    outside = np.ones(shape[:2], dtype=bool)
    for i in range(n):
        r, col = divmod(i, ncols)
        top, left = r * (kh + pad), col * (kw + pad)
        outside[top : top + kh, left : left + kw] = False
        tile = cells[top : top + kh, left : left + kw].transpose(2, 0, 1)  # as the filter: (C, kh, kw)
        low, span = filters[i].min(), filters[i].max() - filters[i].min()
        where = f"{name}, the tile of filter {i} (row {r}, column {col})"
        if span == 0:
            assert_close(tile, np.zeros_like(tile), atol=atol, name=f"{where}, a constant filter (all zeros)")
        else:
            assert_close(
                low + tile * span,
                filters[i],
                rtol=0,
                atol=atol * span,
                name=f"{where} stretched back by the filter's own min and max (it must be the filter)",
            )
    assert_close(
        cells[outside],
        np.full(cells[outside].shape, float(pad_value)),
        atol=1e-12,
        name=f"{name} between and after the tiles (pad_value {pad_value})",
    )


def camera_input(size: int | None = None):
    """skimage's camera photo, gray, as the backbone's input: tensor (1, 1, H, W), float32 in [0, 1].

    size: None for the whole 512x512 photo, else its top-left size x size corner.
    """
    import torch

    from gradekit import data

    gray = data.photo("camera", gray=True)
    if size is not None:
        gray = gray[:size, :size]
    return torch.from_numpy(gray.copy()).float().div(255)[None, None]


def map_cases() -> dict:
    """The inputs of q9.3's visible tests, by case name: (image tensor (N, 1, H, W), layer names)."""
    import torch

    return {
        "camera relu1-4": (camera_input(), ["features.relu1", "features.relu2", "features.relu3", "features.relu4"]),
        "two images pool2/conv1/bn3": (
            torch.cat([camera_input(96), 1 - camera_input(96)]),
            ["features.pool2", "features.conv1", "features.bn3"],
        ),
    }


def assert_recorded_maps(maps, case: str, what: str) -> None:
    """feature_maps' result for map_cases()[case]: the names in order, each map matching the
    fingerprint recorded from the trusted backbone run layer by layer in eval mode."""
    __tracebackhide__ = True
    from gradekit.checks import recorded
    from gradekit.testing import assert_equal

    _, names = map_cases()[case]
    assert_equal(list(maps), names, name=f"the keys of {what}")
    for name in names:
        recorded.assert_fingerprint(
            maps[name], recorded.load("q9")[f"{case} {name}"], rtol=1e-4, atol=1e-5, name=f"{what}['{name}']"
        )
