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
    ### BEGIN SOLUTION
    if variant not in ALEXNET_INPUT:
        raise ValueError(f"variant must be one of {tuple(ALEXNET_INPUT)}, got {variant!r}")
    pool = {"kind": "max_pool", "kernel": 3, "stride": 2}
    if variant == "paper":
        convs = [(96, 11, 4, 0, 1), (256, 5, 1, 2, 2), (384, 3, 1, 1, 1), (384, 3, 1, 1, 2), (256, 3, 1, 1, 2)]
    else:
        convs = [(64, 11, 4, 2, 1), (192, 5, 1, 2, 1), (384, 3, 1, 1, 1), (256, 3, 1, 1, 1), (256, 3, 1, 1, 1)]
    layers = []
    for index, (filters, kernel, stride, padding, groups) in enumerate(convs):
        layers.append({"kind": "conv", "filters": filters, "kernel": kernel, "stride": stride,
                       "padding": padding, "groups": groups})
        if index in (0, 1, 4):  # pooling follows conv1, conv2 and conv5
            layers.append(dict(pool))
    layers.append({"kind": "flatten"})
    layers += [{"kind": "linear", "units": units} for units in (4096, 4096, num_classes)]
    return layers
    ### END SOLUTION


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
    ### BEGIN SOLUTION
    convs_per_block = {11: (1, 1, 2, 2, 2), 13: (2, 2, 2, 2, 2), 16: (2, 2, 3, 3, 3), 19: (2, 2, 4, 4, 4)}
    if depth not in convs_per_block:
        raise ValueError(f"depth must be one of {tuple(convs_per_block)}, got {depth!r}")
    layers = []
    for filters, count in zip((64, 128, 256, 512, 512), convs_per_block[depth]):
        layers += [{"kind": "conv", "filters": filters, "kernel": 3, "padding": 1} for _ in range(count)]
        layers.append({"kind": "max_pool", "kernel": 2, "stride": 2})
    layers.append({"kind": "flatten"})
    layers += [{"kind": "linear", "units": units} for units in (4096, 4096, num_classes)]
    return layers
    ### END SOLUTION
