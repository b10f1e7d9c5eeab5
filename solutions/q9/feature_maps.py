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
    ### BEGIN SOLUTION
    return backbone.load_pretrained().eval()
    ### END SOLUTION


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
    ### BEGIN SOLUTION
    maps, handles = {}, []

    def keep(name):
        def hook(module, inputs, output):
            maps[name] = output.detach().clone()  # a copy: a later in-place layer cannot change it
        return hook

    was_training = model.training
    try:
        for name in layer_names:
            handles.append(model.get_submodule(name).register_forward_hook(keep(name)))
        model.eval()
        with torch.no_grad():
            model(image)
    finally:
        for handle in handles:
            handle.remove()
        model.train(was_training)
    return {name: maps[name] for name in layer_names}
    ### END SOLUTION


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
    ### BEGIN SOLUTION
    fig, axes = plt.subplots(len(maps), per_layer, figsize=(1.6 * per_layer, 1.8 * len(maps)),
                             layout="constrained", squeeze=False)
    for row, (name, tensor) in zip(axes, maps.items()):
        for c, ax in enumerate(row):
            ax.imshow(np.asarray(tensor[0, c], dtype=np.float64), cmap="viridis")
            ax.set_title(f"{name} #{c}", fontsize=7)
            ax.axis("off")
    fig.savefig(path, dpi=100)
    return fig
    ### END SOLUTION
