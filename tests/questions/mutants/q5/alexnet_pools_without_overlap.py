"""AlexNet pools 3x3 windows with stride 3 (no overlap) instead of the paper's overlapping stride 2.

The maps shrink to 18, 6 and 2 instead of 27, 13 and 6; fc6 is resized so the network still runs.
"""

MODULE = "alexnet"
LOSES = ["q5.2"]

_PublishedAlexNet = AlexNet


class AlexNet(_PublishedAlexNet):
    def __init__(self, num_classes=1000, groups=1):
        super().__init__(num_classes, groups)
        for i in (3, 7, 14):
            self.features[i] = nn.MaxPool2d(kernel_size=3, stride=3)
        self.classifier[1] = nn.Linear(256 * 2 * 2, 4096)
