"""A tiny CNN: one convolution, a ReLU and a linear classifier."""
import torch
from torch import nn


class TinyNet(nn.Module):
    """conv (1 -> 4 channels, 3x3, no padding) -> ReLU -> flatten -> linear (4*6*6 -> 10).

    Input: (N, 1, 8, 8) float32. Output: (N, 10) float32 class scores.
    """

    def __init__(self):
        super().__init__()
        ### BEGIN SOLUTION
        self.conv = nn.Conv2d(1, 4, kernel_size=3)
        self.relu = nn.ReLU()
        self.fc = nn.Linear(4 * 6 * 6, 10)
        ### END SOLUTION

    def forward(self, x):
        """Inputs: x, shape (N, 1, 8, 8), float32. Returns: scores, shape (N, 10), float32."""
        ### BEGIN SOLUTION
        return self.fc(torch.flatten(self.relu(self.conv(x)), 1))
        ### END SOLUTION
