"""LeNet-5's C3 uses 3x3 kernels (maps of 12x12, then 6x6); C5 is widened to 6x6 so the network still runs."""

MODULE = "lenet"
LOSES = ["q5.1"]

_PublishedLeNet5 = LeNet5


class LeNet5(_PublishedLeNet5):
    def __init__(self, num_classes=10):
        super().__init__(num_classes)
        self.features[3] = nn.Conv2d(6, 16, kernel_size=3)
        self.features[6] = nn.Conv2d(16, 120, kernel_size=6)
