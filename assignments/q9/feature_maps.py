"""What each layer of a trained CNN makes of a photo: feature maps captured with forward hooks.

A forward hook is a function that torch calls right after a module's forward, with the module,
its inputs and its output. Registering one on the layers we want to see and running one image
through the whole model collects their outputs without changing the model's code. Hooks stay
registered until removed, and a forgotten one keeps running (and holding memory) on every later
call, so they are removed in a `finally` block.
"""
import matplotlib

matplotlib.use("Agg")  # figures go to files; no window is opened
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import torch  # noqa: E402

from gradekit import backbone  # noqa: E402


def load_backbone():
    """The kit's pretrained backbone: gradekit.backbone.load_pretrained(), in eval mode.

    Returns:
    - model: a gradekit.backbone.SmallCNN; its layers are named model.features.conv1, .bn1,
      .relu1, .pool1, ..., .conv4, .bn4, .relu4, .gap, .flatten, and model.classifier
    """
    raise NotImplementedError("q9.3 not implemented yet: load_backbone")


def feature_maps(model, image, layer_names):
    """The outputs of the named layers when `image` goes through the model, read with forward hooks.

    The model runs once, in eval mode (batch norm with its running statistics) and without
    gradients; afterwards its mode is what it was and no hook of yours is left on any module,
    even when the forward pass fails.

    Inputs:
    - model: an nn.Module, e.g. from load_backbone()
    - image: torch tensor of shape (N, 1, H, W), float32 in [0, 1]; the backbone is convolutional
      up to its global average pooling, so a whole photo (e.g. 1 x 1 x 512 x 512) goes through
    - layer_names: list of qualified module names as in model.named_modules(), e.g.
      ['features.relu1', 'features.relu2']

    Returns:
    - maps: dict mapping each name of layer_names to that module's output, a torch tensor
      (e.g. (N, 16, H, W) for 'features.relu1'), detached from the graph
    """
    raise NotImplementedError("q9.3 not implemented yet: feature_maps")


def plot_feature_maps(maps, path, per_layer=8):
    """A grid of feature maps: one row per layer, its first `per_layer` channels side by side.

    Inputs:
    - maps: dict name -> tensor of shape (N, C, H, W) (from feature_maps), in the order to draw;
      every C >= per_layer
    - path: pathlib.Path of the PNG to write
    - per_layer: channels drawn per layer (channels 0 ... per_layer - 1 of the first image)

    Returns:
    - fig: the matplotlib Figure with len(maps) * per_layer axes in row-major order; the axes of
      layer `name`, channel c shows maps[name][0, c] with imshow (viridis, each map scaled to its
      own range) and is titled f"{name} #{c}"; no axis ticks; at least 800x400 pixels when saved
    """
    raise NotImplementedError("q9.4 not implemented yet: plot_feature_maps")
