"""A layer-by-layer summary of a model (like Keras' model.summary()), read with forward hooks.

A forward hook is a function torch calls after a module's forward, with the module, its inputs and
its output. Hooking every leaf module (one without children: Conv2d, ReLU, Linear, ...) and
running one input through the model lists the layers in the order they run, each with the shape
of what it produced.
"""
import torch
import torch.nn as nn


def example_cnn(num_classes=5):
    """A small CNN to try `summary` on (given, not a task): nested blocks, batch norm, adaptive pooling.

    Inputs of its forward: x of shape (N, 3, H, W), H and W at least 4. Returns logits (N, num_classes).
    """
    block = nn.Sequential(nn.Conv2d(3, 8, 3, padding=1), nn.BatchNorm2d(8), nn.ReLU(), nn.MaxPool2d(2))
    return nn.Sequential(block, nn.Conv2d(8, 16, 3), nn.ReLU(), nn.AdaptiveAvgPool2d(2), nn.Flatten(),
                         nn.Linear(64, num_classes))


def summary(model, input_shape):
    """One row per call of a leaf module during a forward pass of a batch of one.

    Inputs:
    - model: an nn.Module
    - input_shape: the shape of one input without the batch axis, e.g. (1, 32, 32)

    Returns:
    - rows: list of tuples (name, layer_type, output_shape, params), in call order:
      name (str) the module's qualified name as in model.named_modules(), e.g. 'features.0';
      layer_type (str) its class name, e.g. 'Conv2d';
      output_shape (tuple of int) the shape of its output, batch axis included, e.g. (1, 6, 28, 28);
      params (int) the number of parameters the module holds itself.
    The model runs in eval mode without gradients; its mode is restored and every hook removed
    afterwards, even when the forward pass fails.
    """
    ### BEGIN SOLUTION
    rows, handles = [], []

    def record(name):
        def hook(module, inputs, output):
            params = sum(p.numel() for p in module.parameters(recurse=False))
            rows.append((name, type(module).__name__, tuple(output.shape), int(params)))
        return hook

    for name, module in model.named_modules():
        if name and not list(module.children()):
            handles.append(module.register_forward_hook(record(name)))
    was_training = model.training
    model.eval()
    try:
        with torch.no_grad():
            model(torch.zeros(1, *input_shape))
    finally:
        model.train(was_training)
        for handle in handles:
            handle.remove()
    return rows
    ### END SOLUTION


def format_summary(rows):
    """The rows as a printable table, one line per layer, and a total.

    Inputs:
    - rows: the list `summary` returns

    Returns:
    - text (str): a header line, then one line per row holding its name, type, output shape
      written as a tuple, e.g. (1, 6, 28, 28), and its parameter count with thousands separators,
      e.g. 2,416; then a last line 'Total parameters: 61,706' (the sum of the rows' counts)
    """
    ### BEGIN SOLUTION
    header = f"{'layer':<16} {'type':<18} {'output shape':<22} {'params':>12}"
    lines = [header, "-" * len(header)]
    for name, layer_type, shape, params in rows:
        lines.append(f"{name:<16} {layer_type:<18} {str(shape):<22} {params:>12,}")
    lines.append("-" * len(header))
    lines.append(f"Total parameters: {sum(row[3] for row in rows):,}")
    return "\n".join(lines)
    ### END SOLUTION
