"""q6.7, q6.8: the vanishing-gradient experiment and its plot.

The nets' outputs and gradients are recomputed from their own weights with torch's functional
ops and autograd (gradekit.checks.q6.deep_net_output / deep_net_gradient_norms)."""
import pytest
import torch

import gradekit
from gradekit import probes
from gradekit.checks import q5 as checks_q5
from gradekit.checks import q6 as checks_q6
from gradekit.probes import q6 as probes_q6
from gradekit.testing import assert_close, assert_equal

vanishing = gradekit.submission("q6.vanishing")

KINDS = ("sigmoid", "relu", "residual")


def batch(n, features, classes, seed):
    g = torch.Generator().manual_seed(seed)
    return torch.randn(n, features, generator=g), torch.randint(0, classes, (n,), generator=g)


@pytest.mark.task("q6.7")
def test_deep_nets_compute_their_kind():
    x, _ = batch(4, 3, 2, seed=50)
    for kind in KINDS:
        torch.manual_seed(51)
        model = vanishing.DeepNet(kind, depth=6, width=5, in_features=3, num_classes=2)
        state = probes.state_dict(model)
        shapes = [tuple(state[f"layers.{i}.weight"].shape) if f"layers.{i}.weight" in state else None for i in range(6)]
        assert_equal(shapes, [(5, 3), (5, 5), (5, 5), (5, 5), (5, 5), (2, 5)],
                     name=f"weight shapes of DeepNet('{kind}', depth=6, width=5, in_features=3, num_classes=2)")
        assert_close(probes.forward(model, x), checks_q6.deep_net_output(state, kind, x), rtol=1e-5, atol=1e-6,
                     name=f"DeepNet('{kind}')(x)")


@pytest.mark.task("q6.7")
def test_layer_gradient_norms_match_autograd_and_do_not_accumulate():
    x, y = batch(10, 16, 4, seed=52)
    for kind in KINDS:
        torch.manual_seed(53)
        model = vanishing.DeepNet(kind, depth=8, width=6)
        expected = checks_q6.deep_net_gradient_norms(probes.state_dict(model), kind, x, y)
        for call in ("first", "second"):
            norms = vanishing.layer_gradient_norms(model, x, y)
            assert_close(norms, expected, rtol=1e-4, atol=1e-12,
                         name=f"layer_gradient_norms(DeepNet('{kind}', depth=8, width=6), x, y), {call} call")


@pytest.mark.task("q6.7")
def test_residual_net_keeps_its_early_gradients():
    x, y = batch(64, 16, 4, seed=54)
    norms = {}
    for kind in KINDS:
        model = probes_q6.seeded_build(vanishing.DeepNet, 55, kind)  # the defaults: depth 20, width 32
        state = probes.state_dict(model)
        # The gradients are recomputed for the net `kind` names, so the model must compute that net.
        assert_close(probes.forward(model, x), checks_q6.deep_net_output(state, kind, x), rtol=1e-4, atol=1e-5,
                     name=f"DeepNet('{kind}')(x)")
        norms[kind] = checks_q6.deep_net_gradient_norms(state, kind, x, y)
    checks_q6.assert_residual_keeps_gradients(norms, what="DeepNet(kind) with the default depth 20, width 32")


@pytest.mark.task("q6.7")
def test_experiment_follows_its_seeding_and_shows_the_gap():
    result = vanishing.vanishing_gradient_experiment(depth=12, width=16, seed=3)
    assert_equal(sorted(result), sorted(KINDS), name="the keys of vanishing_gradient_experiment()")
    x, y = batch(64, 16, 4, seed=4)  # the docstring's batch: a generator seeded with seed + 1
    for kind in KINDS:
        state = probes.state_dict(probes_q6.seeded_build(vanishing.DeepNet, 3, kind, 12, 16))
        assert_close(result[kind], checks_q6.deep_net_gradient_norms(state, kind, x, y), rtol=1e-4, atol=1e-12,
                     name=f"vanishing_gradient_experiment(12, 16, seed=3)['{kind}']")
    checks_q6.assert_residual_keeps_gradients(result, what="vanishing_gradient_experiment(12, 16, seed=3)")


def check_gradient_plot(norms, path):
    """The PNG and the figure: one log-scale axes with one line per kind, x = 1..depth, y = the norms."""
    __tracebackhide__ = True
    fig = vanishing.plot_gradient_norms(norms, path)
    checks_q5.assert_png_drawn(path, what="plot_gradient_norms")
    axes = probes_q6.line_plot_contents(fig)
    assert_equal(len(axes), 1, name="number of axes in the gradient-norm figure")
    ax = axes[0]
    assert_equal(ax["yscale"], "log", name="the y scale (norms span many orders of magnitude)")
    assert "layer" in ax["xlabel"].lower(), f"the x label {ax['xlabel']!r} should name the layer"
    assert "norm" in ax["ylabel"].lower() or "gradient" in ax["ylabel"].lower(), (
        f"the y label {ax['ylabel']!r} should name the gradient norm")
    assert ax["title"].strip(), "the plot needs a title"
    lines = {label: (xs, ys) for label, xs, ys in ax["lines"]}
    assert_equal(sorted(lines), sorted(norms), name="the line labels")
    assert_equal(sorted(ax["legend"]), sorted(norms), name="the legend entries")
    for kind, values in norms.items():
        xs, ys = lines[kind]
        assert_equal(xs, [float(i) for i in range(1, len(values) + 1)], name=f"x data of the {kind} line")
        assert_close(ys, values, rtol=1e-12, name=f"y data of the {kind} line")


@pytest.mark.task("q6.8")
def test_gradient_plot_shows_each_kind_on_a_log_scale(tmp_path):
    norms = {"sigmoid": [1e-9, 1e-6, 1e-4, 1e-2, 0.3], "relu": [1e-4, 1e-3, 1e-3, 1e-2, 0.1],
             "residual": [0.5, 0.6, 0.6, 0.8, 1.2]}
    check_gradient_plot(norms, tmp_path / "gradient_norms.png")
