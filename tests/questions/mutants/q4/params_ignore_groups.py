"""A grouped convolution is counted as if every filter saw all input channels."""

MODULE = "accounting"
LOSES = ["q4.2"]

_correct_layer_params = layer_params


def layer_params(input_shape, spec):
    return _correct_layer_params(input_shape, {**spec, "groups": 1} if spec["kind"] == "conv" else spec)
