"""SAME padding computes floor(n / stride) output positions instead of ceil(n / stride)."""

MODULE = "accounting"
LOSES = ["q4.1"]

_correct_output_shape = output_shape


def output_shape(input_shape, spec):
    layer = normalized(spec)
    if layer["kind"] != "conv" or layer["padding"] != "same":
        return _correct_output_shape(input_shape, spec)
    _, height, width = input_shape
    (sh, sw) = layer["stride"]
    return (layer["filters"], height // sh, width // sw)
