"""What a CNN costs before it runs: output shapes, parameters, multiply-adds and memory, layer by layer.

A network is a list of layer specs (plain dicts) applied to one instance of shape (C, H, W):

    {"kind": "conv", "filters": 100, "kernel": 3, "stride": 2, "padding": "same"}   # groups=1, bias=True by default
    {"kind": "max_pool", "kernel": 3, "stride": 2}                                  # also "avg_pool"; stride defaults to kernel
    {"kind": "flatten"}
    {"kind": "linear", "units": 4096}                                               # bias=True by default

kernel, stride and an integer padding may be an int or an (height, width) pair. A convolution's
padding may also be "valid" (none) or "same" (TensorFlow's rule, for any stride: the output has
ceil(size / stride) positions, the extra padding going to the bottom and right). Pooling follows
PyTorch: integer padding only, sizes rounded down.
"""
import math

KINDS = ("conv", "max_pool", "avg_pool", "flatten", "linear")


def _pair(value, what):
    if isinstance(value, int):
        return (value, value)
    if isinstance(value, (tuple, list)) and len(value) == 2 and all(isinstance(v, int) for v in value):
        return (value[0], value[1])
    raise ValueError(f"{what} must be an int or a pair of ints, got {value!r}")


def normalized(spec):
    """A copy of ``spec`` with the defaults filled in and kernel, stride and int padding as pairs (given).

    Inputs:
    - spec: a layer spec dict (see the module docstring)

    Returns:
    - a new dict. conv: kind, filters, kernel, stride, padding, groups, bias; max_pool/avg_pool:
      kind, kernel, stride, padding; linear: kind, units, bias; flatten: kind. kernel and stride are
      (h, w) pairs; padding is an (h, w) pair or the string "same" or "valid".
    """
    kind = spec.get("kind")
    if kind not in KINDS:
        raise ValueError(f"layer kind must be one of {KINDS}, got {kind!r}")
    if kind == "flatten":
        return {"kind": kind}
    if kind == "linear":
        return {"kind": kind, "units": int(spec["units"]), "bias": bool(spec.get("bias", True))}
    out = {"kind": kind, "kernel": _pair(spec["kernel"], "kernel")}
    stride = spec.get("stride")
    default_stride = 1 if kind == "conv" else spec["kernel"]  # pooling windows tile by default, as in torch
    out["stride"] = _pair(default_stride if stride is None else stride, "stride")
    padding = spec.get("padding", 0)
    if kind == "conv" and padding in ("same", "valid"):
        out["padding"] = padding
    else:
        out["padding"] = _pair(padding, "padding")
    if kind == "conv":
        out.update(filters=int(spec["filters"]), groups=int(spec.get("groups", 1)), bias=bool(spec.get("bias", True)))
    return out


def output_shape(input_shape, spec):
    """The shape one layer produces for one instance.

    Inputs:
    - input_shape: tuple of ints, (C, H, W) for conv and pooling layers, anything for flatten,
      (features,) for linear
    - spec: a layer spec dict

    Returns:
    - tuple of ints: (filters, H_out, W_out) for conv; (C, H_out, W_out) for pooling;
      (C * H * W,) for flatten; (units,) for linear. Per spatial axis with size n, kernel k,
      stride s: padding "same" gives ceil(n / s); "valid" gives floor((n - k) / s) + 1;
      padding p gives floor((n + 2p - k) / s) + 1.
    """
    raise NotImplementedError("q4.1 not implemented yet: output_shape")


def layer_params(input_shape, spec):
    """The number of trainable parameters (weights and biases) of one layer.

    Inputs:
    - input_shape: tuple of ints, the shape the layer receives ((C, H, W) or (features,))
    - spec: a layer spec dict

    Returns:
    - int. conv: filters * (kh * kw * C / groups) weights, plus filters biases if bias;
      linear: features * units weights, plus units biases if bias; pooling and flatten: 0.
    """
    raise NotImplementedError("q4.2 not implemented yet: layer_params")


def multiply_adds(input_shape, out_shape, spec):
    """Multiply-accumulate operations (MACs) one layer performs for one instance.

    Inputs:
    - input_shape, out_shape: tuples of ints, what the layer receives and produces
    - spec: a layer spec dict

    Returns:
    - int. conv: H_out * W_out * filters * (kh * kw * C_in / groups), one MAC per weight per output
      position; linear: features * units; pooling and flatten: 0 (bias additions are not counted).
    """
    raise NotImplementedError("q4.3 not implemented yet: multiply_adds")


def summarize(input_shape, layers):
    """One row per layer, from your output_shape, layer_params and multiply_adds (given).

    Inputs:
    - input_shape: (C, H, W) of one instance
    - layers: list of layer spec dicts

    Returns:
    - list of dicts with keys "kind", "output_shape" (tuple), "params" (int), "macs" (int)
    """
    rows = []
    shape = tuple(input_shape)
    for spec in layers:
        out = tuple(output_shape(shape, spec))
        rows.append({"kind": spec["kind"], "output_shape": out,
                     "params": layer_params(shape, spec), "macs": multiply_adds(shape, out, spec)})
        shape = out
    return rows


def memory_report(input_shape, rows, batch_size=50, bytes_per_value=4, optimizer_states=0):
    """Memory a network needs, by the formulas of the README.

    Inputs:
    - input_shape: (C, H, W) of one instance
    - rows: list of dicts with at least "kind", "output_shape" and "params" (what summarize returns)
    - batch_size: int, instances per training step
    - bytes_per_value: int, 4 for float32, 8 for float64
    - optimizer_states: int, extra values the optimizer keeps per parameter (0 for plain SGD,
      1 for SGD with momentum, 2 for Adam)

    Returns a dict of ints:
    - "parameters": the sum of the rows' params
    - "activation_values": values of all layer outputs of one instance; a flatten layer is a view of
      its input and adds nothing
    - "inference_bytes": bytes_per_value * (parameters + the largest input + output of one layer),
      the network's input being the first layer's input and flatten layers skipped: every earlier
      output can be freed once the next layer has used it
    - "training_bytes": bytes_per_value * ((2 + optimizer_states) * parameters
      + batch_size * (input values + activation_values)): weights, their gradients and optimizer
      state, plus the batch input and every activation of the batch, kept for the backward pass
    """
    raise NotImplementedError("q4.4 not implemented yet: memory_report")
