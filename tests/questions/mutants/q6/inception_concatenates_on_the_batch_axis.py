"""The inception module concatenates its branches on dim 0 (the batch axis) instead of the channels."""

MODULE = "inception"
LOSES = ["q6.4", "q6.5"]


def _forward_on_batch_axis(self, x):
    return torch.cat([self.branch1(x), self.branch2(x), self.branch3(x), self.branch4(x)], dim=0)


Inception.forward = _forward_on_batch_axis
