"""AlexNet's LRN uses PyTorch's convention (alpha divided by n) with the paper's alpha: a normalization 5x too weak."""

MODULE = "alexnet"
LOSES = ["q5.2"]

_PublishedAlexNet = AlexNet


class AlexNet(_PublishedAlexNet):
    def __init__(self, num_classes=1000, groups=1):
        super().__init__(num_classes, groups)
        for i in (2, 6):
            self.features[i] = ops.LocalResponseNorm(size=5, alpha=1e-4, beta=0.75, k=2.0, convention="torch")
