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


def train_step(model, x, y, lr=0.1):
    """One plain SGD step on the cross-entropy, in training mode: p <- p - lr * p.grad.

    Returns: the loss before the step, a Python float.
    """
    ### BEGIN SOLUTION
    model.train()
    model.zero_grad()
    loss = torch.nn.functional.cross_entropy(model(x), y)
    loss.backward()
    with torch.no_grad():
        for p in model.parameters():
            if p.grad is not None:
                p -= lr * p.grad
    return loss.item()
    ### END SOLUTION


def train_tinynet(X, y, seed=0):
    """A TinyNet built under torch.manual_seed(seed) and trained by 40 train_step calls on (X, y) at lr 0.5.

    Returns: the trained TinyNet.
    """
    ### BEGIN SOLUTION
    torch.manual_seed(seed)
    model = TinyNet()
    for _ in range(40):
        train_step(model, X, y, 0.5)
    return model
    ### END SOLUTION


def train_digits(X, y):
    """A classifier of 28x28 digits trained on (X, y): X float32 (N, 1, 28, 28) in [0, 1], y int64 (N,).

    Returns: a module whose forward maps (M, 1, 28, 28) images to (M, 10) class scores.
    """
    ### BEGIN SOLUTION
    torch.manual_seed(0)
    model = nn.Sequential(nn.Flatten(), nn.Linear(28 * 28, 10))
    optimizer = torch.optim.Adam(model.parameters(), lr=0.01)
    for _ in range(60):
        optimizer.zero_grad()
        torch.nn.functional.cross_entropy(model(X), y).backward()
        optimizer.step()
    return model.eval()
    ### END SOLUTION
