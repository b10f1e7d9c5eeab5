"""AlexNet forgets the ReLU after conv3: conv3 feeds conv4 directly."""

MODULE = "alexnet"
LOSES = ["q5.2"]

_PublishedAlexNet = AlexNet


class AlexNet(_PublishedAlexNet):
    def __init__(self, num_classes=1000, groups=1):
        super().__init__(num_classes, groups)
        self.features[9] = nn.Identity()  # features[8] is conv3, [9] its ReLU
