"""Architecture diagrams drawn from the models themselves: one box per layer, left to right.

The rows come from `summary.summary`, so a diagram always shows the network the code builds,
with the shapes it really produces (the seed homework's hand-drawn diagrams were broken images).
"""
from pathlib import Path

import matplotlib

matplotlib.use("Agg")  # files only: no window, works on a server
import matplotlib.pyplot as plt
from matplotlib.patches import Rectangle

from . import alexnet, lenet, summary, vgg

# Layers worth a box in the classic diagrams; activations, dropout and flatten would only crowd them.
DRAWN_TYPES = ("Conv2d", "Linear", "MaxPool2d", "AvgPool2d", "AdaptiveAvgPool2d", "LocalResponseNorm")
COLORS = {"Conv2d": "#4c72b0", "Linear": "#dd8452", "MaxPool2d": "#55a868", "AvgPool2d": "#55a868",
          "AdaptiveAvgPool2d": "#55a868", "LocalResponseNorm": "#c44e52"}


def shape_label(output_shape):
    """'6x28x28' for an output shape (1, 6, 28, 28): the shape without the batch axis, joined by 'x'."""
    return "x".join(str(s) for s in output_shape[1:])


def draw_architecture(rows, path, title):
    """Draw one box per row, in order, and save the figure as a PNG.

    Inputs:
    - rows: list of (name, layer_type, output_shape, params) tuples, as `summary.summary` returns
    - path: where to write the PNG (str or pathlib.Path)
    - title: the figure's title, e.g. 'LeNet-5'

    Returns:
    - fig: the matplotlib Figure (at least 400x200 pixels when saved). Each row gets a rectangle
      patch (ax.add_patch) and a text (ax.text) holding its layer type and `shape_label` of its
      output shape, e.g. 'Conv2d\\n6x28x28'; box heights may show the map size.
    """
    raise NotImplementedError("q5.5 not implemented yet: draw_architecture")


def draw_classic_diagrams(out_dir):
    """Diagrams of LeNet-5 (32x32 input), AlexNet (227x227) and VGG16 (224x224) from their models.

    Builds each model with this question's classes, summarises it with `summary.summary`, keeps the
    rows whose type is in DRAWN_TYPES and draws them with `draw_architecture`.

    Inputs:
    - out_dir: an existing folder (str or pathlib.Path)

    Returns:
    - dict mapping 'lenet5', 'alexnet' and 'vgg16' to the path (str) of the PNG written for each:
      out_dir/lenet5.png, out_dir/alexnet.png and out_dir/vgg16.png
    """
    raise NotImplementedError("q5.5 not implemented yet: draw_classic_diagrams")
