"""A tiny CNN: one convolution, a ReLU and a linear classifier."""
import torch
from torch import nn


class TinyNet(nn.Module):
    """conv (1 -> 4 channels, 3x3, no padding) -> ReLU -> flatten -> linear (4*6*6 -> 10).

    Input: (N, 1, 8, 8) float32. Output: (N, 10) float32 class scores.
    """

    def __init__(self):
        super().__init__()
        raise NotImplementedError("q4.1 not implemented yet: TinyNet.__init__")

    def forward(self, x):
        """Inputs: x, shape (N, 1, 8, 8), float32. Returns: scores, shape (N, 10), float32."""
        raise NotImplementedError("q4.2 not implemented yet: TinyNet.forward")


def train_step(model, x, y, lr=0.1):
    """One plain SGD step on the cross-entropy, in training mode: p <- p - lr * p.grad.

    Returns: the loss before the step, a Python float.
    """
    raise NotImplementedError("q4.3 not implemented yet: train_step")


def train_tinynet(X, y, seed=0):
    """A TinyNet built under torch.manual_seed(seed) and trained by 40 train_step calls on (X, y) at lr 0.5.

    Returns: the trained TinyNet.
    """
    raise NotImplementedError("q4.4 not implemented yet: train_tinynet")


def train_digits(X, y):
    """A classifier of 28x28 digits trained on (X, y): X float32 (N, 1, 28, 28) in [0, 1], y int64 (N,).

    Returns: a module whose forward maps (M, 1, 28, 28) images to (M, 10) class scores.
    """
    raise NotImplementedError("q4.5 not implemented yet: train_digits")
