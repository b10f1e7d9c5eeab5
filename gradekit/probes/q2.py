"""q2's probe of what a student's matplotlib figure shows, and a reader of the PNG the figure was saved to."""
from __future__ import annotations

from gradekit.probes import probe


@probe
def figure_summary(fig, close: bool = True) -> dict:
    """Axes, titles and displayed arrays of a matplotlib Figure, in the figure's axes order.

    Inputs:
    - fig: a matplotlib.figure.Figure
    - close: close the figure afterwards (tests do not leak open figures)

    Returns:
    - dict with 'axes' (int, the number of axes), 'titles' (list of str, one per axes) and
      'images' (list, per axes: the float64 array of its first imshow image, or None)
    """
    import matplotlib.pyplot as plt
    import numpy as np

    axes = list(fig.axes)
    summary = {
        "axes": len(axes),
        "titles": [ax.get_title() for ax in axes],
        "images": [np.asarray(ax.get_images()[0].get_array(), dtype=np.float64) if ax.get_images() else None
                   for ax in axes],
    }
    if close:
        plt.close(fig)
    return summary


def png_summary(path) -> dict:
    """Size and content of a PNG file, so a test can tell a real figure from an empty canvas.

    Not a probe: it reads the file on the test's side, where the harness leaves a file that the
    student's code wrote to a path the test passed in.

    Inputs:
    - path: the PNG's path (str or pathlib.Path)

    Returns:
    - dict with 'format' (str, 'PNG' for a PNG, None when there is no file), 'width' and 'height' (pixels), 'gray_std' (float,
      the standard deviation of its grayscale pixels, 0-255) and 'non_background' (float, the
      fraction of pixels that differ from the most common colour)
    """
    import os

    import numpy as np
    from PIL import Image

    if not os.path.isfile(path):
        return {"format": None, "width": 0, "height": 0, "gray_std": 0.0, "non_background": 0.0}
    with Image.open(path) as img:
        fmt = img.format
        gray = np.asarray(img.convert("L"), dtype=np.float64)
    values, counts = np.unique(gray, return_counts=True)
    background = values[np.argmax(counts)]
    return {
        "format": fmt,
        "width": int(gray.shape[1]),
        "height": int(gray.shape[0]),
        "gray_std": float(gray.std()),
        "non_background": float(np.mean(gray != background)),
    }
