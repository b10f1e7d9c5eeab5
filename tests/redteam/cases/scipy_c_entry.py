"""Calls scipy.ndimage's C entry point _nd_image.correlate1d directly, below the public
scipy.ndimage.correlate1d that the preset names."""

QUESTION = "q2"
MODULE = "signal1d"
ATTACKED = ["q2.1", "q2.2"]
KEEPS = []
REASON = "must not call scipy.ndimage._nd_image.correlate1d"

import numpy as _np
from scipy.ndimage import _nd_image


def correlate1d(x, w):
    x, w = _np.asarray(x, dtype=_np.float64), _np.asarray(w, dtype=_np.float64)
    out = _np.zeros_like(x)
    _nd_image.correlate1d(x, w, 0, out, 2, 0.0, 0)  # mode 2: constant; the valid part is sliced out
    h = len(w) // 2
    return out[h : h + len(x) - len(w) + 1]
