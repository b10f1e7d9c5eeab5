"""filter_grid min-max normalizes all filters together, so the largest filter sets everyone's scale."""

MODULE = "filters"
LOSES = ["q9.1", "q9.2"]


def filter_grid(weights, ncols=None, pad=1, pad_value=1.0):
    w = np.asarray(weights, dtype=np.float64)
    n_filters, channels, kh, kw = w.shape
    ncols = ncols or math.ceil(math.sqrt(n_filters))
    rows = math.ceil(n_filters / ncols)
    normalized = (w - w.min()) / (w.max() - w.min())
    grid = np.full((rows * kh + (rows - 1) * pad, ncols * kw + (ncols - 1) * pad, channels), float(pad_value))
    for i, tile in enumerate(normalized):
        top, left = (i // ncols) * (kh + pad), (i % ncols) * (kw + pad)
        grid[top : top + kh, left : left + kw] = tile.transpose(1, 2, 0)
    return grid[:, :, 0] if channels == 1 else grid
