"""Probes for q6 (residual and inception networks): they run where the student's model lives.

They return plain data; the recomputations that read it are in gradekit.checks.q6.
"""

from __future__ import annotations

from gradekit.probes import probe


@probe
def set_parameters(model, values: dict) -> list[str]:
    """Copy tensors into named parameters or buffers of the model (without gradient tracking).

    Inputs:
    - model: an nn.Module
    - values: dict mapping a state_dict key (e.g. 'bn2.weight') to a tensor of that entry's shape

    Returns:
    - the keys that were set (a key the model does not have raises KeyError)
    """
    import torch

    state = model.state_dict(keep_vars=True)
    with torch.no_grad():
        for key, value in values.items():
            state[key].copy_(value)
    return sorted(values)


@probe
def seeded_build(constructor, seed: int, *args, **kwargs):
    """torch.manual_seed(seed), then constructor(*args, **kwargs): the same model every time.

    The seeding happens where the submission runs (in grade mode a worker process, whose random
    generator the test's own torch.manual_seed does not reach), so a test can rebuild exactly the
    model a seeded function of the submission built, and thresholds see the same weights in
    every mode.
    """
    import torch

    torch.manual_seed(seed)
    return constructor(*args, **kwargs)


@probe
def output_gradient_norms(model, x, index: int = 0) -> dict[str, float]:
    """Which parameters one output of the model depends on, in training mode.

    Runs model(x) in training mode, takes output[index] when the model returns a tuple (the
    output itself when it returns one tensor and index is 0), backpropagates its sum and reads
    the gradient norm of every parameter (0.0 where no gradient arrived). Gradients and the
    mode are restored afterwards.

    Returns:
    - dict mapping each parameter name to the norm of its gradient (float)
    """
    import torch

    was_training = model.training
    saved = {name: p.grad for name, p in model.named_parameters()}
    model.zero_grad(set_to_none=True)
    model.train()
    try:
        with torch.enable_grad():
            out = model(x)
            if isinstance(out, (tuple, list)):
                out = out[index]
            elif index != 0:
                raise IndexError(f"the model returned one tensor, not a tuple with an element {index}")
            out.sum().backward()
        return {name: float(p.grad.norm()) if p.grad is not None else 0.0 for name, p in model.named_parameters()}
    finally:
        model.train(was_training)
        for name, p in model.named_parameters():
            p.grad = saved[name]


@probe
def line_plot_contents(fig, close: bool = True) -> list[dict]:
    """What each axes of a line plot shows.

    Returns:
    - one dict per axes: 'title', 'xlabel', 'ylabel', 'yscale' (str), 'legend' (list of str, the
      legend's texts, empty without a legend) and 'lines' (list of (label, x list, y list))
    """
    import matplotlib.pyplot as plt

    contents = []
    for ax in fig.axes:
        legend = ax.get_legend()
        contents.append(
            {
                "title": ax.get_title(),
                "xlabel": ax.get_xlabel(),
                "ylabel": ax.get_ylabel(),
                "yscale": ax.get_yscale(),
                "legend": [t.get_text() for t in legend.get_texts()] if legend is not None else [],
                "lines": [
                    (line.get_label(), [float(v) for v in line.get_xdata()], [float(v) for v in line.get_ydata()])
                    for line in ax.get_lines()
                ],
            }
        )
    if close:
        plt.close(fig)
    return contents
