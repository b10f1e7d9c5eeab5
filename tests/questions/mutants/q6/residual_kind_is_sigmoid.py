"""DeepNet('residual') builds the plain sigmoid net: the experiment compares sigmoid with itself."""

MODULE = "vanishing"
LOSES = ["q6.7"]

_PublishedDeepNet = DeepNet


class DeepNet(_PublishedDeepNet):
    def __init__(self, kind, depth=20, width=32, in_features=16, num_classes=4):
        super().__init__("sigmoid" if kind == "residual" else kind, depth, width, in_features, num_classes)
