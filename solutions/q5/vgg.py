"""VGG configurations A, B, D and E (Simonyan and Zisserman, 2015, Table 1) built from one table.

Every convolution is 3x3 with stride 1 and padding 1 followed by ReLU, so only the pooling
layers ("M": 2x2 max pool, stride 2) shrink the maps: 224 -> 112 -> 56 -> 28 -> 14 -> 7. The
configurations differ only in how many convolutions each of the five blocks stacks:

    A (VGG11): 1, 1, 2, 2, 2    B (VGG13): 2, 2, 2, 2, 2
    D (VGG16): 2, 2, 3, 3, 3    E (VGG19): 2, 2, 4, 4, 4

with 64, 128, 256, 512 and 512 channels. All share the classifier
FC 25088 -> 4096 -> 4096 -> num_classes with ReLU and dropout 0.5 after the first two.
"""
import torch.nn as nn


def vgg_configs():
    """The convolutional part of each configuration, as in the paper's Table 1.

    Returns:
    - dict mapping 'A', 'B', 'D', 'E' to a list whose items are either an int (a 3x3 convolution
      with that many output channels, followed by ReLU) or the string 'M' (a 2x2 max pool, stride 2)
    """
    ### BEGIN SOLUTION
    def blocks(*convs_per_block):
        layers = []
        for channels, convs in zip((64, 128, 256, 512, 512), convs_per_block):
            layers += [channels] * convs + ["M"]
        return layers

    return {
        "A": blocks(1, 1, 2, 2, 2),
        "B": blocks(2, 2, 2, 2, 2),
        "D": blocks(2, 2, 3, 3, 3),
        "E": blocks(2, 2, 4, 4, 4),
    }
    ### END SOLUTION


class VGG(nn.Module):
    """A VGG network for one configuration of `vgg_configs()`.

    Layout (the same as torchvision's, so parameter counts can be compared):
    - self.features: nn.Sequential of nn.Conv2d(3x3, padding 1), nn.ReLU and nn.MaxPool2d(2, 2)
      built by walking the configuration list
    - self.avgpool: nn.AdaptiveAvgPool2d((7, 7)) (does nothing at 224; lets small inputs through)
    - self.classifier: nn.Sequential(nn.Flatten(), nn.Linear(512*7*7, 4096), nn.ReLU, nn.Dropout(0.5),
      nn.Linear(4096, 4096), nn.ReLU, nn.Dropout(0.5), nn.Linear(4096, num_classes))

    Inputs of __init__:
    - config: 'A', 'B', 'D' (VGG16) or 'E' (VGG19)
    - num_classes: size of the output layer

    Inputs of forward:
    - x: images, shape (N, 3, H, W), float32, H and W at least 32 (224 in the paper)

    Returns of forward:
    - logits, shape (N, num_classes)
    """

    def __init__(self, config="D", num_classes=1000):
        super().__init__()
        ### BEGIN SOLUTION
        layers, channels = [], 3
        for item in vgg_configs()[config]:
            if item == "M":
                layers.append(nn.MaxPool2d(kernel_size=2, stride=2))
            else:
                layers += [nn.Conv2d(channels, item, kernel_size=3, padding=1), nn.ReLU(inplace=True)]
                channels = item
        self.features = nn.Sequential(*layers)
        self.avgpool = nn.AdaptiveAvgPool2d((7, 7))
        self.classifier = nn.Sequential(
            nn.Flatten(),
            nn.Linear(512 * 7 * 7, 4096),
            nn.ReLU(inplace=True),
            nn.Dropout(0.5),
            nn.Linear(4096, 4096),
            nn.ReLU(inplace=True),
            nn.Dropout(0.5),
            nn.Linear(4096, num_classes),
        )
        ### END SOLUTION

    def forward(self, x):
        ### BEGIN SOLUTION
        return self.classifier(self.avgpool(self.features(x)))
        ### END SOLUTION
