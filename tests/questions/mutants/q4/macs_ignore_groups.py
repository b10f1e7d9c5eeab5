"""Multiply-adds of a grouped convolution are counted as if every filter saw all input channels."""

MODULE = "accounting"
LOSES = ["q4.3"]

_correct_multiply_adds = multiply_adds


def multiply_adds(input_shape, out_shape, spec):
    return _correct_multiply_adds(input_shape, out_shape, {**spec, "groups": 1} if spec["kind"] == "conv" else spec)
