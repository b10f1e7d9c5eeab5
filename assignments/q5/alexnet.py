"""AlexNet as published (Krizhevsky, Sutskever and Hinton, 2012), on 227x227 RGB inputs.

    conv1 96@11x11/4 -> ReLU -> LRN -> max pool 3x3/2      55 -> 27
    conv2 256@5x5 pad 2 -> ReLU -> LRN -> max pool 3x3/2   27 -> 13
    conv3 384@3x3 pad 1 -> ReLU                            13
    conv4 384@3x3 pad 1 -> ReLU                            13
    conv5 256@3x3 pad 1 -> ReLU -> max pool 3x3/2          13 -> 6
    fc6 9216 -> 4096 -> ReLU -> dropout 0.5
    fc7 4096 -> 4096 -> ReLU -> dropout 0.5
    fc8 4096 -> num_classes (logits; softmax gives the class probabilities)

The paper trained on two GPUs: conv2, conv4 and conv5 only see the maps of their own GPU,
which is a grouped convolution with groups=2 (60,965,224 parameters for 1000 classes instead of
62,378,344). The paper's "224x224" input only works out with 227 (or with padding): (227 - 11) / 4 + 1 = 55.
"""
import torch
import torch.nn as nn

from gradekit import ops


class AlexNet(nn.Module):
    """AlexNet from torch.nn layers and gradekit's local response normalization.

    Build it from nn.Conv2d, nn.ReLU, ops.LocalResponseNorm (size 5, alpha 1e-4, beta 0.75, k 2,
    convention 'alexnet': the paper's formula), nn.MaxPool2d(3, 2), nn.Flatten, nn.Linear and
    nn.Dropout(0.5) modules, in the order of the table above.

    Inputs of __init__:
    - num_classes: size of the output layer (1000 for ImageNet)
    - groups: 1 for one device, 2 for the paper's two-GPU split of conv2, conv4 and conv5

    Inputs of forward:
    - x: images, shape (N, 3, 227, 227), float32

    Returns of forward:
    - logits, shape (N, num_classes), float32
    """

    def __init__(self, num_classes=1000, groups=1):
        super().__init__()
        raise NotImplementedError("q5.2 not implemented yet: AlexNet.__init__")

    def forward(self, x):
        raise NotImplementedError("q5.2 not implemented yet: AlexNet.forward")

    def predict_proba(self, x):
        """Class probabilities: the softmax of forward's logits over the classes.

        Inputs:
        - x: images, shape (N, 3, 227, 227), float32

        Returns:
        - probabilities, shape (N, num_classes), float32, each row summing to 1
        """
        raise NotImplementedError("q5.2 not implemented yet: AlexNet.predict_proba")
