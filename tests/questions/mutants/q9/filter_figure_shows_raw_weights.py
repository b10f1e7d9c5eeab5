"""plot_filter_grid draws the raw weights tiled into a grid, without normalizing them: the figure
shows signed values on a 0-1 colour scale, so most of every filter is clipped to black or white."""

MODULE = "filters"
LOSES = ["q9.2"]


def plot_filter_grid(weights, path, title="First-layer filters"):
    w = np.asarray(weights, dtype=np.float64)
    n_filters, channels, kh, kw = w.shape
    ncols = math.ceil(math.sqrt(n_filters))
    rows = math.ceil(n_filters / ncols)
    grid = np.ones((rows * kh + rows - 1, ncols * kw + ncols - 1, channels))
    for i, tile in enumerate(w):
        top, left = (i // ncols) * (kh + 1), (i % ncols) * (kw + 1)
        grid[top : top + kh, left : left + kw] = tile.transpose(1, 2, 0)
    fig, ax = plt.subplots(figsize=(5, 5.4), layout="constrained")
    ax.imshow(grid[:, :, 0] if channels == 1 else grid, cmap="gray", vmin=0, vmax=1, interpolation="nearest")
    ax.set_title(title)
    ax.axis("off")
    fig.savefig(path, dpi=100)
    return fig
