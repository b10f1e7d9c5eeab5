"""The vanishing-gradient experiment: how much gradient reaches the first layer of a deep network?

Backpropagation multiplies, layer by layer, the local derivatives on the way from the loss to a
weight. A sigmoid's derivative is at most 1/4, so in a deep sigmoid net the product shrinks
geometrically and the first layers barely learn. ReLU passes a gradient of 1 where it is active,
but with PyTorch's default initialization each layer still shrinks the signal. A residual layer
h + f(h) has the derivative I + f'(h): the identity path carries the gradient back undiminished.
"""
import matplotlib

matplotlib.use("Agg")  # files only: no window, works on a server
import matplotlib.pyplot as plt
import torch
import torch.nn as nn
import torch.nn.functional as F
from matplotlib.ticker import MaxNLocator

KINDS = ("sigmoid", "relu", "residual")


class DeepNet(nn.Module):
    """A deep fully connected net of one of three kinds, with PyTorch's default initialization.

    Attributes:
    - layers: nn.ModuleList of `depth` nn.Linear layers, in forward order:
      Linear(in_features, width), depth - 2 times Linear(width, width), Linear(width, num_classes)

    Forward, for x of shape (N, in_features), float32, with h = act(layers[0](x)):
    - 'sigmoid': h = sigmoid(layers[i](h)) for every hidden layer i
    - 'relu':    h = relu(layers[i](h))
    - 'residual': h = h + relu(layers[i](h))   (act = relu for the first layer too)
    and returns logits = layers[-1](h), shape (N, num_classes).
    """

    def __init__(self, kind, depth=20, width=32, in_features=16, num_classes=4):
        super().__init__()
        raise NotImplementedError("q6.7 not implemented yet: DeepNet.__init__")

    def forward(self, x):
        raise NotImplementedError("q6.7 not implemented yet: DeepNet.forward")


def layer_gradient_norms(model, x, y):
    """Per-layer gradient norms of the mean cross-entropy loss.

    Inputs:
    - model: a DeepNet
    - x: inputs, shape (N, in_features), float32
    - y: labels, shape (N,), int64

    Returns:
    - list of float, one per model.layers[i] in order: the Frobenius norm of d loss / d weight
      (gradients left by earlier calls must not add up: clear them first)
    """
    raise NotImplementedError("q6.7 not implemented yet: layer_gradient_norms")


def vanishing_gradient_experiment(depth=20, width=32, seed=0):
    """Gradient norms per layer of the three kinds of DeepNet, on the same random batch.

    For each kind in KINDS order: torch.manual_seed(seed), then build DeepNet(kind, depth, width)
    (in_features 16, 4 classes). The batch: a torch.Generator seeded with seed + 1 draws
    x = torch.randn(64, 16, generator=g), then y = torch.randint(0, 4, (64,), generator=g).

    Returns:
    - dict mapping 'sigmoid', 'relu' and 'residual' to their `layer_gradient_norms` (lists of depth floats)
    """
    raise NotImplementedError("q6.7 not implemented yet: vanishing_gradient_experiment")


def plot_gradient_norms(norms, path):
    """One line per kind of net: gradient norm against layer number, on a log-scale y axis.

    Inputs:
    - norms: dict mapping a kind (e.g. 'sigmoid') to its list of per-layer gradient norms
    - path: where to save the PNG

    Returns:
    - fig: the matplotlib Figure, with one axes: one line per kind labelled with the kind
      (x = 1, 2, ..., number of layers; y = the norms), y scale 'log', an x label naming the
      layer, a y label naming the gradient norm, a title and a legend
    """
    raise NotImplementedError("q6.8 not implemented yet: plot_gradient_norms")
