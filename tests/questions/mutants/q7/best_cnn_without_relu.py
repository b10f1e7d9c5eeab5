"""BestCNN without its ReLUs: conv - batch norm - average pooling only, a linear classifier in disguise."""

MODULE = "best_cnn"
LOSES = ["q7.9"]
ONLY = ["q7.9"]  # nothing else builds a BestCNN

_PublishedBestCNN = BestCNN


class BestCNN(_PublishedBestCNN):
    def __init__(self, num_classes=10):
        super().__init__(num_classes)
        # Each stage is conv, batch norm, ReLU, pool: indices 2, 6 and 10 are the ReLUs.
        for index in (2, 6, 10):
            self.features[index] = nn.Identity()
