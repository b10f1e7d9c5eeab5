"""Trusted references for q9 (visualization): the filter grid and the backbone's feature maps.

Both run in the test's own process. The grid is built filter by filter with explicit loops, the
feature maps by running the trusted backbone's `features` layer by layer (no hooks), so
neither shares its method with the code it checks. The probes q9's tests call on the student's
objects are generic ones: q5's forward_hook_count and q2's figure_summary.
"""

from __future__ import annotations

import math


def expected_filter_grid(weights, ncols=None, pad: int = 1, pad_value: float = 1.0):
    """What filter_grid must return: each filter min-max normalized on its own, tiled row by row.

    Inputs:
    - weights: array or tensor (F, C, kh, kw), C = 1 or 3
    - ncols, pad, pad_value: as in filter_grid (ncols None: ceil(sqrt(F)))

    Returns:
    - float64 numpy array (H, W) for C = 1, (H, W, 3) for C = 3
    """
    import numpy as np

    filters = np.asarray(weights, dtype=np.float64)
    n, c, kh, kw = filters.shape
    ncols = ncols or math.ceil(math.sqrt(n))
    rows = -(-n // ncols)
    grid = np.full((rows * kh + (rows - 1) * pad, ncols * kw + (ncols - 1) * pad, c), float(pad_value))
    for i in range(n):
        low, high = filters[i].min(), filters[i].max()
        tile = (filters[i] - low) / (high - low) if high > low else np.zeros_like(filters[i])
        r, col = divmod(i, ncols)
        for y in range(kh):
            for x in range(kw):
                grid[r * (kh + pad) + y, col * (kw + pad) + x, :] = tile[:, y, x]
    return grid[:, :, 0] if c == 1 else grid


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


def expected_feature_maps(image, layer_names) -> dict:
    """The outputs of `features.<layer>` of the kit's pretrained backbone, in eval mode.

    Computed by running the layers of model.features (one nn.Sequential) one after the other and
    keeping the outputs of the named ones, so the reference uses no hooks, and one pass serves
    every name.

    Inputs:
    - image: tensor (N, 1, H, W), float32 in [0, 1]
    - layer_names: list of 'features.<layer>' names, e.g. ['features.relu1', 'features.pool2']

    Returns:
    - dict name -> tensor (N, C, H', W') (or (N, 128) for features.flatten), float32, in the
      order of layer_names
    """
    import torch

    from gradekit import backbone

    model = backbone.load_pretrained().eval()
    layers = dict(model.features.named_children())
    wanted = {}
    for qualified in layer_names:
        prefix, _, layer = qualified.partition(".")
        assert prefix == "features" and layer in layers, f"the reference knows features.* layers, not {qualified}"
        wanted[layer] = qualified
    seen = {}
    x = image
    with torch.set_grad_enabled(False):
        for layer, module in layers.items():
            if len(seen) == len(wanted):
                break  # the deeper layers are not asked for
            x = module(x)
            if layer in wanted:
                seen[wanted[layer]] = x
    return {qualified: seen[qualified] for qualified in layer_names}
