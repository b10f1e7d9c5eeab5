"""q2's probe of what a student's matplotlib figure shows (it runs where the figure lives).

The reader of the PNG the figure was saved to is a trusted check: gradekit.checks.q2.
"""

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
        "images": [
            np.asarray(ax.get_images()[0].get_array(), dtype=np.float64) if ax.get_images() else None for ax in axes
        ],
    }
    if close:
        plt.close(fig)
    return summary
