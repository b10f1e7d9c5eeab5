"""The full references of q9's hidden tests, and the recorder of its visible tests' fingerprints.

`expected_filter_grid` and `expected_feature_maps` compute what q9.1 and q9.3 must return, so they
sit here, beside the hidden tests, and never ship: the visible tests check the grid's properties
and compare feature maps with fingerprints of these references' outputs (gradekit.checks.recorded).
Hidden tests load this file with gradekit.harness.importer.load_beside. Run
`python solutions/q9/hidden/references.py` to rewrite gradekit/checks/q9_recorded.py after changing
a reference, the backbone's checkpoint or a visible test's inputs.

The grid is built filter by filter with explicit loops, the feature maps by running the trusted
backbone's `features` layer by layer (no hooks), so neither shares its method with the code it checks.
"""

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


def record() -> dict:
    """The fingerprint of each map expected_feature_maps gives on the visible tests' inputs."""
    from gradekit.checks import q9, recorded

    out = {}
    for case, (image, names) in q9.map_cases().items():
        for name, value in expected_feature_maps(image, names).items():
            out[f"{case} {name}"] = recorded.fingerprint(value)
    return out


if __name__ == "__main__":
    from gradekit.checks import recorded

    print(recorded.write("q9", record(), "python solutions/q9/hidden/references.py"))
