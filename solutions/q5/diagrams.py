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
    ### BEGIN SOLUTION
    fig, ax = plt.subplots(figsize=(max(8.0, 0.75 * len(rows)), 4.0), dpi=100)
    largest = max((shape[-1] for _, _, shape, _ in rows if len(shape) == 4), default=1)
    for i, (_, layer_type, shape, _) in enumerate(rows):
        # Spatial layers are as tall as their maps are wide (relative to the largest); vectors are thin.
        height = 0.25 + 0.75 * (shape[-1] / largest) if len(shape) == 4 else 0.25
        ax.add_patch(Rectangle((i - 0.4, -height / 2), 0.8, height, facecolor=COLORS.get(layer_type, "#8c8c8c"),
                               edgecolor="black", linewidth=0.8))
        ax.text(i, -0.6, f"{layer_type}\n{shape_label(shape)}", rotation=90, ha="center", va="top", fontsize=8)
    ax.set_xlim(-0.8, len(rows) - 0.2)
    ax.set_ylim(-1.3, 0.6)
    ax.axis("off")
    ax.set_title(title)
    fig.tight_layout()
    fig.savefig(path)
    return fig
    ### END SOLUTION


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
    ### BEGIN SOLUTION
    models = {
        "lenet5": ("LeNet-5", lenet.LeNet5(), (1, 32, 32)),
        "alexnet": ("AlexNet", alexnet.AlexNet(), (3, 227, 227)),
        "vgg16": ("VGG16 (configuration D)", vgg.VGG("D"), (3, 224, 224)),
    }
    paths = {}
    for key, (title, model, input_shape) in models.items():
        rows = [row for row in summary.summary(model, input_shape) if row[1] in DRAWN_TYPES]
        paths[key] = str(Path(out_dir) / f"{key}.png")
        plt.close(draw_architecture(rows, paths[key], title))
    return paths
    ### END SOLUTION
