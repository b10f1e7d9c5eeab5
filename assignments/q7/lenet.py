"""LeNet-5 trained on the course's MNIST digits.

LeNet5 below is given: q5's LeNet-5, the paper's layout with q5's four simplifications
(full-connection C3, plain 2x2 average subsampling, plain tanh instead of 1.7159 tanh(2a/3), a
linear output instead of RBF units; 61,706 parameters), with two things a trained classifier
needs in front of it. The digits are 28x28; LeCun et al. centred them in a 32x32 field, so the
model pads 2 pixels of background on every side. And it normalizes its input with statistics stored in the model (buffers), so that
whoever uses the model feeds it raw pixels in [0, 1] and gets the normalization it was trained
with.
"""
import torch
import torch.nn as nn
import torch.nn.functional as F

from . import pipeline, training


class LeNet5(nn.Module):
    """LeNet-5 for 1x28x28 digits with pixels in [0, 1] (given).

    forward: pad 2 pixels of 0 (background) on each side, normalize with the buffers input_mean and
    input_std (shape (1,), set them with set_input_statistics), then
    C1 conv 5x5 (6) - tanh - S2 avg 2x2 - C3 conv 5x5 (16) - tanh - S4 avg 2x2 - C5 conv 5x5 (120) -
    tanh - F6 linear 84 - tanh - linear num_classes.

    Inputs of forward: x, float32 (N, 1, 28, 28). Returns: logits, float32 (N, num_classes).
    """

    def __init__(self, num_classes=10):
        super().__init__()
        self.register_buffer("input_mean", torch.zeros(1))
        self.register_buffer("input_std", torch.ones(1))
        self.features = nn.Sequential(nn.Conv2d(1, 6, 5), nn.Tanh(), nn.AvgPool2d(2),   # C1, S2
                                      nn.Conv2d(6, 16, 5), nn.Tanh(), nn.AvgPool2d(2),  # C3, S4
                                      nn.Conv2d(16, 120, 5), nn.Tanh())                 # C5
        self.classifier = nn.Sequential(nn.Flatten(), nn.Linear(120, 84), nn.Tanh(), nn.Linear(84, num_classes))

    def set_input_statistics(self, mean, std):
        """Store the training images' mean and std (float32 tensors of shape (1,)) in the model."""
        self.input_mean.copy_(mean.detach())  # buffers: no gradient is tracked into them
        self.input_std.copy_(std.detach())

    def forward(self, x):
        centred = F.pad(x, (2, 2, 2, 2))  # the 28x28 digit in the middle of LeNet-5's 32x32 field
        return self.classifier(self.features(pipeline.normalize(centred, self.input_mean, self.input_std)))


def train_lenet5(X, y, epochs=5, seed=0):
    """Train a LeNet5 (above) on digits and return it.

    Use what you built: the normalization statistics of the training digits
    (pipeline.channel_stats, stored with set_input_statistics) and training.train, with a
    validation split of your choice to watch the training. The tests give the digits as
    gradekit.data delivers them (pixels in [0, 1]) and compute the accuracy themselves; while
    this task is graded, gradekit.data cannot read the course's datasets.

    Inputs:
    - X: digits, float32 (N, 1, 28, 28), pixels in [0, 1]; y: labels, int64 (N,)
    - epochs: passes over the training digits
    - seed: every random choice (initial weights, split, batch order) follows from it: call
      torch.manual_seed(seed) before building the model

    Returns:
    - the trained LeNet5, whose forward takes raw digits like X
    """
    raise NotImplementedError("q7.6 not implemented yet: train_lenet5")
