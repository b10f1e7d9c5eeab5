"""conv2d pads its input, then hands the padded input to a routine that pads it again."""

MODULE = "conv"
LOSES = ["q1.4", "q1.5", "q1.6", "q1.7"]
DIAGNOSIS = {"q1.4": "padding applied twice", "q1.6": "padding applied twice"}

_pads_once = conv2d


def conv2d(x, w, b=None, stride=1, padding=0):
    xp, _ = sizes.pad_input(x, w.shape[2], w.shape[3], stride, padding)
    return _pads_once(xp, w, b, stride, padding)
