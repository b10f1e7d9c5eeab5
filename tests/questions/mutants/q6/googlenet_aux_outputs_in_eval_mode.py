"""GoogLeNet returns (logits, aux1, aux2) in eval mode too: its auxiliary heads never switch off."""

MODULE = "inception"
LOSES = ["q6.5"]

_published_forward = GoogLeNet.forward


def _forward_always_with_aux(self, x):
    if self.training or not self.aux_logits:
        return _published_forward(self, x)
    self.training = True  # the published forward decides by self.training; pretend to be training
    try:
        return _published_forward(self, x)
    finally:
        self.training = False


GoogLeNet.forward = _forward_always_with_aux
