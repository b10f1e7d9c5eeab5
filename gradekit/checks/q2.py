"""q2's trusted check of the PNG a student's figure was saved to (see gradekit.checks)."""

from __future__ import annotations


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
