"""GoogLeNet (Szegedy et al., 2015): inception modules and auxiliary classifiers.

An inception module runs four branches on the same input and stacks their maps on the channel
axis: 1x1; 1x1 then 3x3; 1x1 then 5x5; 3x3 max pool then 1x1. The 1x1 "reduce" convolutions
cut the channels before the expensive 3x3 and 5x5 ones. Two auxiliary classifiers on
intermediate layers add gradient to the middle of the network while training; at test time they
are dropped.
"""
import torch
import torch.nn as nn
import torchvision


def conv_relu(in_channels, out_channels, kernel_size, padding=0):
    """A convolution followed by ReLU (the paper's networks have no batch norm)."""
    return [nn.Conv2d(in_channels, out_channels, kernel_size, padding=padding), nn.ReLU(inplace=True)]


class Inception(nn.Module):
    """One inception module, with the column names of the paper's Table 1.

    Attributes (nn.Sequential each, built from nn.Conv2d, nn.ReLU and nn.MaxPool2d, in this order):
    - branch1: 1x1 conv (ch1x1), ReLU
    - branch2: 1x1 conv (ch3x3red), ReLU, 3x3 conv padding 1 (ch3x3), ReLU
    - branch3: 1x1 conv (ch5x5red), ReLU, 5x5 conv padding 2 (ch5x5), ReLU
    - branch4: 3x3 max pool stride 1 padding 1, 1x1 conv (pool_proj), ReLU

    Inputs of forward:
    - x: shape (N, in_channels, H, W), float32

    Returns of forward:
    - the four branches' outputs concatenated on the channel axis,
      shape (N, ch1x1 + ch3x3 + ch5x5 + pool_proj, H, W)
    """

    def __init__(self, in_channels, ch1x1, ch3x3red, ch3x3, ch5x5red, ch5x5, pool_proj):
        super().__init__()
        raise NotImplementedError("q6.4 not implemented yet: Inception.__init__")

    def forward(self, x):
        raise NotImplementedError("q6.4 not implemented yet: Inception.forward")


# (in_channels, #1x1, #3x3 reduce, #3x3, #5x5 reduce, #5x5, pool proj) of GoogLeNet's Table 1.
INCEPTION_TABLE = {
    "3a": (192, 64, 96, 128, 16, 32, 32), "3b": (256, 128, 128, 192, 32, 96, 64),
    "4a": (480, 192, 96, 208, 16, 48, 64), "4b": (512, 160, 112, 224, 24, 64, 64),
    "4c": (512, 128, 128, 256, 24, 64, 64), "4d": (512, 112, 144, 288, 32, 64, 64),
    "4e": (528, 256, 160, 320, 32, 128, 128), "5a": (832, 256, 160, 320, 32, 128, 128),
    "5b": (832, 384, 192, 384, 48, 128, 128),
}


def aux_classifier(in_channels, num_classes, width_divisor=1):
    """The paper's auxiliary classifier, with a 4x4 adaptive average pool in place of its 5x5/3 one.

    Inputs of the returned module: maps of shape (N, in_channels, H, W); it returns logits (N, num_classes).
    Layers (w = width_divisor): AdaptiveAvgPool2d(4), 1x1 conv to 128 // w + ReLU, flatten,
    FC 16 * (128 // w) -> 1024 // w + ReLU, dropout 0.7, FC 1024 // w -> num_classes.
    """
    reduced, hidden = 128 // width_divisor, 1024 // width_divisor
    return nn.Sequential(nn.AdaptiveAvgPool2d(4), *conv_relu(in_channels, reduced, 1), nn.Flatten(),
                         nn.Linear(reduced * 4 * 4, hidden), nn.ReLU(inplace=True), nn.Dropout(0.7),
                         nn.Linear(hidden, num_classes))


class GoogLeNet(nn.Module):
    """A small GoogLeNet for 32x32 images: the paper's layout, every channel count divided by width_divisor.

    With width_divisor=1 the nine inception modules have the paper's widths (for 10 classes about
    6.0 million parameters without the auxiliary heads, 10.3 million with them; slow on a CPU);
    the default 4 keeps the layout at a sixteenth of the work.
    Names follow the paper and torchvision (w = width_divisor; c(n) = n // w channels):
    - conv1: 3x3 conv in_channels -> c(64), padding 1, + ReLU; maxpool1: 3x3/2 padding 1 -> 16x16
    - conv2: 1x1 conv c(64) -> c(64) + ReLU; conv3: 3x3 conv c(64) -> c(192), padding 1, + ReLU
    - inception3a, inception3b: Inception with INCEPTION_TABLE's numbers // w; maxpool3: 3x3/2 padding 1 -> 8x8
    - inception4a .. inception4e; maxpool4: 3x3/2 padding 1 -> 4x4
    - inception5a, inception5b; avgpool: global average pool; dropout 0.4; fc: c(1024) -> num_classes
    - aux1 on inception4a's output (c(512) maps) and aux2 on inception4d's (c(528) maps), each
      `aux_classifier(channels, num_classes, width_divisor)`, or None when aux_logits is False

    Inputs of forward:
    - x: shape (N, in_channels, 32, 32), float32

    Returns of forward:
    - in training mode with aux_logits: the tuple (logits, aux1_logits, aux2_logits), each (N, num_classes)
    - otherwise (eval mode, or aux_logits=False): logits, shape (N, num_classes)
    """

    def __init__(self, num_classes=10, aux_logits=True, in_channels=3, width_divisor=4):
        super().__init__()
        raise NotImplementedError("q6.5 not implemented yet: GoogLeNet.__init__")

    def forward(self, x):
        raise NotImplementedError("q6.5 not implemented yet: GoogLeNet.forward")


def torchvision_googlenet(num_classes=10, aux_logits=False):
    """torchvision's GoogLeNet built without pretrained weights, with or without auxiliary heads.

    The seed homework called googlenet(weights='IMAGENET1K_V1', aux_logits=False) and torchvision
    refused: the pretrained checkpoint holds the auxiliary heads, so with weights it insists on
    aux_logits=True. Without weights any aux_logits works; pass init_weights=True to get
    torchvision's truncated-normal initialization (std 0.01; the paper names none) and no warning.

    Inputs:
    - num_classes: size of the output layer
    - aux_logits: whether to build the two auxiliary classifiers

    Returns:
    - a torchvision.models.GoogLeNet (nothing is downloaded)
    """
    raise NotImplementedError("q6.6 not implemented yet: torchvision_googlenet")
