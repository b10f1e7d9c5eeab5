"""Residual learning (He, Zhang, Ren and Sun, 2016): a block learns F(x) and outputs relu(F(x) + x).

When the block changes the shape (stride 2, or more channels) x cannot be added as it is: the
shortcut becomes a projection, a 1x1 convolution with the block's stride followed by batch norm
(the paper's option B). The seed's "ResNet-like model" stacks a convolution, two such blocks, a
flatten and a dense softmax layer.
"""
import torch
import torch.nn as nn


class ResidualBlock(nn.Module):
    """The basic block of ResNet-18/34: conv3x3-BN-ReLU, conv3x3-BN, plus the shortcut, then ReLU.

    Attributes (tests read the weights by these names):
    - conv1: nn.Conv2d(in_channels, out_channels, 3, stride=stride, padding=1, bias=False)
    - bn1: nn.BatchNorm2d(out_channels)
    - conv2: nn.Conv2d(out_channels, out_channels, 3, padding=1, bias=False)
    - bn2: nn.BatchNorm2d(out_channels)
    - shortcut: nn.Identity() when stride == 1 and in_channels == out_channels, otherwise the
      projection nn.Sequential(nn.Conv2d(in_channels, out_channels, 1, stride=stride, bias=False),
      nn.BatchNorm2d(out_channels))

    Inputs of forward:
    - x: shape (N, in_channels, H, W), float32

    Returns of forward:
    - relu(bn2(conv2(relu(bn1(conv1(x))))) + shortcut(x)), shape (N, out_channels, ceil(H / stride), ceil(W / stride))
    """

    def __init__(self, in_channels, out_channels, stride=1):
        super().__init__()
        ### BEGIN SOLUTION
        self.conv1 = nn.Conv2d(in_channels, out_channels, 3, stride=stride, padding=1, bias=False)
        self.bn1 = nn.BatchNorm2d(out_channels)
        self.conv2 = nn.Conv2d(out_channels, out_channels, 3, padding=1, bias=False)
        self.bn2 = nn.BatchNorm2d(out_channels)
        if stride != 1 or in_channels != out_channels:
            self.shortcut = nn.Sequential(nn.Conv2d(in_channels, out_channels, 1, stride=stride, bias=False),
                                          nn.BatchNorm2d(out_channels))
        else:
            self.shortcut = nn.Identity()
        ### END SOLUTION

    def forward(self, x):
        ### BEGIN SOLUTION
        residual = self.bn2(self.conv2(torch.relu(self.bn1(self.conv1(x)))))
        return torch.relu(residual + self.shortcut(x))
        ### END SOLUTION


class ResNetLike(nn.Module):
    """The seed homework's ResNet-like model, for 32x32 images (CIFAR-10-sized).

    Attributes (tests read the weights by these names):
    - conv1: nn.Conv2d(in_channels, 16, 3, padding=1, bias=False), then bn1: nn.BatchNorm2d(16) and ReLU
    - block1: ResidualBlock(16, 16)               -> (N, 16, 32, 32)
    - block2: ResidualBlock(16, 32, stride=2)     -> (N, 32, 16, 16)
    - fc: nn.Linear(32 * 16 * 16, num_classes) on the flattened maps (the seed's "Dense")

    Inputs of forward:
    - x: shape (N, in_channels, 32, 32), float32

    Returns of forward:
    - logits, shape (N, num_classes); `predict_proba` applies the seed's softmax
    """

    def __init__(self, num_classes=10, in_channels=3):
        super().__init__()
        ### BEGIN SOLUTION
        self.conv1 = nn.Conv2d(in_channels, 16, 3, padding=1, bias=False)
        self.bn1 = nn.BatchNorm2d(16)
        self.block1 = ResidualBlock(16, 16)
        self.block2 = ResidualBlock(16, 32, stride=2)
        self.fc = nn.Linear(32 * 16 * 16, num_classes)
        ### END SOLUTION

    def forward(self, x):
        ### BEGIN SOLUTION
        x = torch.relu(self.bn1(self.conv1(x)))
        x = self.block2(self.block1(x))
        return self.fc(torch.flatten(x, 1))
        ### END SOLUTION

    def predict_proba(self, x):
        """Class probabilities: softmax of forward's logits over dim 1, shape (N, num_classes)."""
        ### BEGIN SOLUTION
        return torch.softmax(self(x), dim=1)
        ### END SOLUTION
