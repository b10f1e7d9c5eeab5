"""Edge detection with Sobel filters on a real photo, and a figure of the result.

A Sobel filter is a 3x3 cross-correlation kernel: a central difference along one axis, smoothed
with weights (1, 2, 1) along the other. Sobel-X differentiates along the columns (it lights up
where brightness changes from left to right: vertical edges); Sobel-Y along the rows
(horizontal edges).
"""
import matplotlib

matplotlib.use("Agg")  # figures are written to files, never shown on a screen
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
from numpy.lib.stride_tricks import sliding_window_view  # noqa: E402


def sobel_kernels():
    """The two Sobel kernels, oriented so that brightness increasing right / down gives positive values.

    Returns:
    - kx: shape (3, 3), float64, Sobel-X (derivative along the columns, left to right)
    - ky: shape (3, 3), float64, Sobel-Y (derivative along the rows, top to bottom)
    """
    ### BEGIN SOLUTION
    kx = np.array([[-1.0, 0.0, 1.0],
                   [-2.0, 0.0, 2.0],
                   [-1.0, 0.0, 1.0]])
    return kx, kx.T.copy()
    ### END SOLUTION


def sobel_edges(image):
    """Sobel-X and Sobel-Y responses of a grayscale image and the gradient magnitude.

    Cross-correlate (do not flip the kernels) with `sobel_kernels()`. The outputs have the
    image's shape: pad the border by repeating the edge pixels (np.pad mode 'edge').

    Inputs:
    - image: shape (H, W), float64 (a grayscale photo, values in [0, 1])

    Returns:
    - gx: shape (H, W), float64, the Sobel-X response
    - gy: shape (H, W), float64, the Sobel-Y response
    - magnitude: shape (H, W), float64, sqrt(gx**2 + gy**2)
    """
    ### BEGIN SOLUTION
    kx, ky = sobel_kernels()
    windows = sliding_window_view(np.pad(image, 1, mode="edge"), (3, 3))  # (H, W, 3, 3), no copy
    gx = np.einsum("hwij,ij->hw", windows, kx)
    gy = np.einsum("hwij,ij->hw", windows, ky)
    return gx, gy, np.hypot(gx, gy)
    ### END SOLUTION


def plot_sobel(image, path):
    """Save a one-row, three-panel figure: the image, its Sobel-X and its Sobel-Y responses.

    Panels from left to right titled "Original", "Sobel-X" and "Sobel-Y", each showing its
    array with imshow (gray colormap; the Sobel panels show the signed responses of `sobel_edges`).

    Inputs:
    - image: shape (H, W), float64, values in [0, 1]
    - path: where to write the PNG (a str or pathlib.Path)

    Returns:
    - fig: the matplotlib Figure (left open, so that the caller can inspect it)
    """
    ### BEGIN SOLUTION
    gx, gy, _ = sobel_edges(image)
    fig, axes = plt.subplots(1, 3, figsize=(12, 4.4), layout="constrained")
    for ax, data, title in zip(axes, (image, gx, gy), ("Original", "Sobel-X", "Sobel-Y")):
        ax.imshow(data, cmap="gray")
        ax.set_title(title)
        ax.axis("off")
    fig.savefig(path, dpi=100)
    return fig
    ### END SOLUTION
