"""AlexNet and VGG written as lists of layer specs (the format of accounting.py).

Only layers that change a shape or hold parameters are listed: ReLU, dropout and LRN change
neither, so they are left out of the specs.
"""

# The input each architecture expects, (C, H, W).
ALEXNET_INPUT = {"torchvision": (3, 224, 224), "paper": (3, 227, 227)}
VGG_INPUT = (3, 224, 224)


def alexnet_specs(variant="torchvision", num_classes=1000):
    """AlexNet's layers as layer specs.

    Inputs:
    - variant: "torchvision" (torchvision.models.alexnet: 64/192/384/256/256 filters, one GPU,
      3x224x224 input) or "paper" (Krizhevsky et al. 2012: 96/256/384/384/256 filters split over
      two GPUs, so conv2, conv4 and conv5 only see the half of the previous layer on their own GPU
      (groups=2) while conv3 sees all of it; 3x227x227 input: the paper says 224x224, but 227 is
      what makes 11x11/4 give its 55x55 maps, (227 - 11)/4 + 1 = 55)
    - num_classes: int, outputs of the last linear layer

    Returns:
    - list of layer spec dicts: 5 conv, 3 max_pool (3x3, stride 2), 1 flatten, 3 linear
      (4096, 4096, num_classes), in order
    """
    raise NotImplementedError("q4.5 not implemented yet: alexnet_specs")


def vgg_specs(depth=16, num_classes=1000):
    """VGG's layers as layer specs (Simonyan and Zisserman 2015, configurations A, B, D, E).

    Inputs:
    - depth: 11, 13, 16 or 19 (weight layers: conv layers + 3 linear layers)
    - num_classes: int, outputs of the last linear layer

    Returns:
    - list of layer spec dicts for a 3x224x224 input: five blocks of 3x3 conv layers (stride 1,
      padding 1) with 64, 128, 256, 512, 512 filters, each block closed by a 2x2 max_pool of
      stride 2; then flatten and linear layers of 4096, 4096 and num_classes units
    """
    raise NotImplementedError("q4.6 not implemented yet: vgg_specs")
