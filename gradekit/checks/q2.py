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


def _pairs(kernel_size, stride, padding) -> tuple[tuple[int, int], tuple[int, int], tuple[int, int]]:
    """Kernel, stride (None: the kernel) and padding as (rows, cols) pairs."""

    def pair(v):
        return (int(v), int(v)) if isinstance(v, int) else (int(v[0]), int(v[1]))

    return pair(kernel_size), pair(kernel_size if stride is None else stride), pair(padding)


def avg_pool_mistakes(x, kernel_size, stride, padding) -> dict:
    """Average pooling's output when the padded zeros are left out of each window's count, for ``mistakes=``."""
    import torch
    import torch.nn.functional as F

    from gradekit.checks import mistakes

    kernel, strides, pads = _pairs(kernel_size, stride, padding)
    if pads == (0, 0):
        return {}  # without padding both counts agree
    out = F.avg_pool2d(torch.from_numpy(x), kernel, strides, pads, count_include_pad=False)
    return {mistakes.AVERAGE_EXCLUDES_PADDING: out.numpy()}


def max_pool_gradient_mistakes(x, kernel_size, stride, padding, dout) -> dict:
    """Max pooling's dx when every maximum of a tied window receives the window's gradient, for ``mistakes=``.

    torch gives it to the first maximum only; here each window's taps equal to its maximum all get it.
    """
    import numpy as np
    import torch
    import torch.nn.functional as F

    from gradekit.checks import mistakes

    kernel, strides, (ph, pw) = _pairs(kernel_size, stride, padding)
    n, c, h, w = x.shape
    xp = F.pad(torch.from_numpy(np.asarray(x, np.float64)), (pw, pw, ph, ph), value=-np.inf)
    size = xp.shape[2:]
    patches = F.unfold(xp.reshape(n * c, 1, *size), kernel, stride=strides)  # (N*C, kh*kw, windows)
    ties = patches == patches.max(dim=1, keepdim=True).values
    grads = ties * torch.from_numpy(np.asarray(dout, np.float64)).reshape(n * c, 1, -1)
    dxp = F.fold(grads, size, kernel, stride=strides).reshape(n, c, *size)
    return {mistakes.MAX_TIE_TO_EVERY_MAXIMUM: dxp[:, :, ph : ph + h, pw : pw + w].numpy()}
