"""gradekit: an auto-graded course unit on convolutional neural networks.

Tests reach student code only through :func:`submission`, which the harness points
at ``assignments/``, ``solutions/`` or a submitted folder.
"""

__version__ = "0.1.0"

from gradekit.harness.backend import reference, submission  # noqa: E402  (the test-facing API)

__all__ = ["submission", "reference", "__version__"]
