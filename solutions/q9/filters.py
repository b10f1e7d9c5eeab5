"""What the first convolution layer looks for: its filters drawn as small images, side by side.

A first-layer filter is a tiny image itself (5x5 gray for the kit's backbone, 11x11 RGB for
AlexNet): the layer responds most where the input looks like it. Its weights are signed numbers of
any scale, so to draw one we stretch its own range to [0, 1] (min-max normalization per filter).
Normalizing all filters together instead would let the filter with the largest weights decide
the scale and leave the others a flat gray.
"""
import math

import matplotlib

matplotlib.use("Agg")  # figures go to files; no window is opened
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402


def filter_grid(weights, ncols=None, pad=1, pad_value=1.0):
    """The filters of a convolution layer, each min-max normalized, tiled into one image.

    Inputs:
    - weights: torch tensor or numpy array of shape (F, C, kh, kw), C = 1 (gray) or 3 (RGB),
      e.g. model.features.conv1.weight of the kit's backbone: (16, 1, 5, 5)
    - ncols: filters per row of the grid; None means ceil(sqrt(F))
    - pad: pixels of pad_value between neighbouring filters (none around the border)
    - pad_value: value of the padding and of the unused cells of the last row

    Returns:
    - grid: numpy array, float64, shape (rows * kh + (rows - 1) * pad, ncols * kw + (ncols - 1) * pad)
      for C = 1, or that shape followed by 3 (channels last, as imshow wants) for C = 3,
      with rows = ceil(F / ncols). Filter i sits in row i // ncols, column i % ncols, as
      (w - w.min()) / (w.max() - w.min()) over its own C * kh * kw values (all zeros when
      w.max() == w.min())
    """
    ### BEGIN SOLUTION
    w = np.asarray(weights, dtype=np.float64)
    n_filters, channels, kh, kw = w.shape
    if channels not in (1, 3):
        raise ValueError(f"filters with {channels} channels cannot be drawn as gray or RGB images")
    ncols = ncols or math.ceil(math.sqrt(n_filters))
    rows = math.ceil(n_filters / ncols)
    low = w.min(axis=(1, 2, 3), keepdims=True)
    span = w.max(axis=(1, 2, 3), keepdims=True) - low
    # A constant filter has no contrast to show; dividing by a zero span would give NaN.
    normalized = np.divide(w - low, span, out=np.zeros_like(w), where=span > 0)
    grid = np.full((rows * kh + (rows - 1) * pad, ncols * kw + (ncols - 1) * pad, channels), float(pad_value))
    for i, tile in enumerate(normalized):
        top, left = (i // ncols) * (kh + pad), (i % ncols) * (kw + pad)
        grid[top:top + kh, left:left + kw] = tile.transpose(1, 2, 0)
    return grid[:, :, 0] if channels == 1 else grid
    ### END SOLUTION


def plot_filter_grid(weights, path, title="First-layer filters"):
    """Draw filter_grid(weights) and save it as a PNG.

    Inputs:
    - weights: (F, C, kh, kw) tensor or array, as for filter_grid (its defaults for the layout)
    - path: pathlib.Path of the PNG to write
    - title: the axes title

    Returns:
    - fig: the matplotlib Figure, with one axes that shows filter_grid(weights) with imshow
      (gray colormap, vmin=0, vmax=1, nearest interpolation so each weight stays a square),
      the title above it and no axis ticks; at least 400x400 pixels when saved
    """
    ### BEGIN SOLUTION
    grid = filter_grid(weights)
    fig, ax = plt.subplots(figsize=(5, 5.4), layout="constrained")
    ax.imshow(grid, cmap="gray", vmin=0, vmax=1, interpolation="nearest")
    ax.set_title(title)
    ax.axis("off")
    fig.savefig(path, dpi=100)
    return fig
    ### END SOLUTION
