"""Probes for q5 (classic architectures): they run where the student's model lives.

They return plain data: a trace of every layer call, per-layer parameter counts, what a diagram
Figure shows. The trusted checks that read those results (``replay_layer``,
``assert_layers_compute``, ``assert_is_lenet5``, ...) are in gradekit.checks.q5, which the worker
never loads.
"""

from __future__ import annotations

from gradekit.probes import forward_with_leaf_hooks, probe

# Attributes that describe what a layer computes. Read when present, so any torch.nn layer (and
# gradekit.ops.LocalResponseNorm) can be replayed from its trace row alone.
SETTINGS = (
    "in_channels",
    "out_channels",
    "kernel_size",
    "stride",
    "padding",
    "dilation",
    "groups",
    "in_features",
    "out_features",
    "p",
    "size",
    "alpha",
    "beta",
    "k",
    "convention",
    "ceil_mode",
    "count_include_pad",
    "output_size",
    "start_dim",
    "end_dim",
    "dim",
    "num_features",
    "eps",
)


_DROP = object()  # a setting that is not plain data


def _plain_setting(value):
    """Numbers, strings, booleans, None and tuples of them; anything else (a tensor, a module) is dropped."""
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    if isinstance(value, (tuple, list)) and all(isinstance(v, (bool, int, float, str)) for v in value):
        return tuple(value)
    return _DROP


def _leaves(model):
    return [(name, m) for name, m in model.named_modules() if name and not list(m.children())]


@probe
def layer_trace(model, x, with_params: bool = True, max_layer_params: int = 5_000_000) -> list[dict]:
    """Every call of a leaf module during ``model(x)`` in eval mode, in call order.

    Inputs:
    - model: an nn.Module
    - x: its input tensor
    - with_params: also return each layer's parameters and buffers (detached, not copied: the
      model does not change during the trace); leave it off when only shapes are needed
    - max_layer_params: a layer holding more parameters than this gets 'params' None (its output
      is then not recomputed); it keeps what crosses from a grading worker small (AlexNet's fc6
      alone holds 37.7 million)

    Returns:
    - list of dicts, one per call: 'name' (str, qualified module name), 'class' (str),
      'qualified' (str, module.Class of its type), 'settings' (dict of SETTINGS it has),
      'params' and 'buffers' (dict name -> tensor, or None when not taken),
      'input' (tensor, a copy of the first positional argument taken before the call, so that
      in-place layers cannot change it) and 'output' (tensor)
    """
    import torch

    rows: list[dict] = []

    def before(module, args, name):
        first = args[0] if args else None
        row = {
            "name": name,
            "class": type(module).__name__,
            "qualified": f"{type(module).__module__}.{type(module).__qualname__}",
            "settings": {},
            "params": {},
            "buffers": {},
            "input": first.detach().clone() if isinstance(first, torch.Tensor) else None,
            "output": None,
        }
        for attr in SETTINGS:
            if hasattr(module, attr):
                value = _plain_setting(getattr(module, attr))
                if value is not _DROP:
                    row["settings"][attr] = value
        own = dict(module.named_parameters(recurse=False))
        if with_params and sum(p.numel() for p in own.values()) <= max_layer_params:
            row["params"] = {k: v.detach() for k, v in own.items()}
            row["buffers"] = {k: v.detach() for k, v in module.named_buffers(recurse=False) if v is not None}
        else:
            row["params"] = row["buffers"] = None
        rows.append(row)

    def after(module, args, output):
        # Leaves have no children, so the row of the module that just finished is the last one.
        rows[-1]["output"] = output.detach().clone() if isinstance(output, torch.Tensor) else None

    def attach(name, m):
        return [m.register_forward_pre_hook(lambda mod, args: before(mod, args, name)), m.register_forward_hook(after)]

    forward_with_leaf_hooks(model, x, attach)
    return rows


@probe
def leaf_param_counts(model) -> dict[str, int]:
    """{qualified name: number of parameters it holds itself} for every leaf module, in registration order."""
    return {name: int(sum(p.numel() for p in m.parameters(recurse=False))) for name, m in _leaves(model)}


@probe
def forward_hook_count(model) -> int:
    """How many forward and forward-pre hooks are still registered on the model and its submodules."""
    return int(sum(len(m._forward_hooks) + len(m._forward_pre_hooks) for m in model.modules()))


@probe
def submodule_is_instance(model, name: str, dotted_class: str) -> bool:
    """isinstance(model.get_submodule(name), <the class named dotted_class>)."""
    import importlib

    module, _, cls = dotted_class.rpartition(".")
    return isinstance(model.get_submodule(name), getattr(importlib.import_module(module), cls))


@probe
def run_submodule(model, name: str, x):
    """model.get_submodule(name)(x) without gradients: one layer of the student's model on a chosen input."""
    import torch

    with torch.no_grad():
        return model.get_submodule(name)(x)


@probe
def call_in_eval_mode(model, method: str, x):
    """getattr(model, method)(x) in eval mode without gradients (e.g. 'predict_proba'); the mode is restored."""
    import torch

    was_training = model.training
    model.eval()
    try:
        with torch.no_grad():
            return getattr(model, method)(x)
    finally:
        model.train(was_training)


@probe
def diagram_contents(fig, close: bool = True) -> dict:
    """What an architecture diagram draws.

    Inputs:
    - fig: a matplotlib Figure
    - close: close it afterwards

    Returns:
    - dict with 'texts' (list of str: every text placed in its axes, in drawing order),
      'boxes' (int: patches drawn in its axes, e.g. one rectangle per layer) and 'titles'
      (list of str: the figure's suptitle, if any, then each axes' title)
    """
    import matplotlib.pyplot as plt

    texts, boxes = [], 0
    titles = [fig._suptitle.get_text()] if getattr(fig, "_suptitle", None) is not None else []
    for ax in fig.axes:
        texts += [t.get_text() for t in ax.texts]
        boxes += len(ax.patches)
        titles.append(ax.get_title())
    if close:
        plt.close(fig)
    return {"texts": texts, "boxes": boxes, "titles": titles}
