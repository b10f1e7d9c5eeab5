"""The shortcut is projected only when the channels change; a stride-2 block with equal channels
subsamples the input (a parameter-free 1x1 max pool) instead of the 1x1 convolution + BN."""

MODULE = "residual"
LOSES = ["q6.2"]

_PublishedBlock = ResidualBlock


class ResidualBlock(_PublishedBlock):
    def __init__(self, in_channels, out_channels, stride=1):
        super().__init__(in_channels, out_channels, stride)
        if in_channels == out_channels and stride != 1:
            self.shortcut = nn.MaxPool2d(kernel_size=1, stride=stride)
