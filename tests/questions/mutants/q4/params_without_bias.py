"""Parameter counts leave out the biases."""

MODULE = "accounting"
LOSES = ["q4.2"]

_correct_layer_params = layer_params


def layer_params(input_shape, spec):
    return _correct_layer_params(input_shape, {**spec, "bias": False})
