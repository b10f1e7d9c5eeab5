"""plot_sobel draws only two panels: the original and Sobel-X."""

MODULE = "filters"
LOSES = ["q2.3"]


def plot_sobel(image, path):
    gx, _, _ = sobel_edges(image)
    fig, axes = plt.subplots(1, 2, figsize=(12, 4.2))
    for ax, data, title in zip(axes, (image, gx), ("Original", "Sobel-X")):
        ax.imshow(data, cmap="gray")
        ax.set_title(title)
    fig.savefig(path, dpi=100)
    return fig
