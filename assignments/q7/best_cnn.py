"""The best CNN you can build for the course's MNIST digits, within a CPU time limit.

4,000 training digits are few, and the time limit is counted on one CPU thread, so the best
network is not the biggest one. Ideas that pay off here: batch normalization (a high learning
rate works from the first step), data augmentation that keeps a digit a digit (small shifts),
and a learning-rate schedule that ends with small steps. Measure, on a validation split, before
you believe an idea helps.
"""
import torch
import torch.nn as nn
import torch.nn.functional as F

from . import pipeline


class BestCNN(nn.Module):
    """Your CNN for 1x28x28 digits with pixels in [0, 1].

    Design it as you like from torch.nn layers (nothing pretrained, no other data). It must
    normalize its own input (keep the training statistics in buffers, as LeNet5 in lenet.py does),
    because the tests feed it raw pixels.

    Inputs of forward: x, float32 (N, 1, 28, 28) in [0, 1]. Returns: logits, float32 (N, 10).
    """

    def __init__(self, num_classes=10):
        super().__init__()
        raise NotImplementedError("q7.9 not implemented yet: BestCNN.__init__")

    def forward(self, x):
        raise NotImplementedError("q7.9 not implemented yet: BestCNN.forward")


def random_shift(x, max_shift, generator):
    """Move each image by its own random offset of up to max_shift pixels in each direction.

    Inputs:
    - x: float32 (N, 1, H, W); max_shift: int; generator: a seeded torch.Generator

    Returns:
    - float32 (N, 1, H, W): image n moved by (dy_n, dx_n), each in [-max_shift, max_shift], with
      background (0) filling in
    """
    raise NotImplementedError("q7.9 not implemented yet: random_shift")


def train_best_cnn(X, y, seed=0):
    """Build a BestCNN, train it on the digits, and return it in evaluation mode.

    The tests train it on 4,000 digits with one CPU thread and give it the time limit stated in
    the README; they compute its accuracy on digits it never saw. Train on the X and y given: while
    this task is graded, gradekit.data cannot read the course's datasets.

    Inputs:
    - X: digits, float32 (N, 1, 28, 28), pixels in [0, 1]; y: labels, int64 (N,)
    - seed: every random choice follows from it (the same seed gives the same model): call
      torch.manual_seed(seed) before building the model, and seed your loader and augmentation

    Returns:
    - the trained BestCNN
    """
    raise NotImplementedError("q7.9 not implemented yet: train_best_cnn")
