"""Hidden tests of q6.7, q6.8: the shallowest DeepNet, another experiment, a plot of two kinds."""
import pytest
import torch

import gradekit
from gradekit import probes
from gradekit.checks import q5 as checks_q5
from gradekit.checks import q6 as checks_q6
from gradekit.probes import q6 as probes_q6
from gradekit.testing import assert_close, assert_equal

vanishing = gradekit.submission("q6.vanishing")


@pytest.mark.task("q6.7")
def test_shallowest_deep_nets_have_one_hidden_layer():
    x = torch.randn(2, 4, generator=torch.Generator().manual_seed(70))
    y = torch.tensor([0, 2])
    for kind in ("sigmoid", "relu", "residual"):
        torch.manual_seed(71)
        model = vanishing.DeepNet(kind, depth=3, width=2, in_features=4, num_classes=3)
        state = probes.state_dict(model)
        assert_close(probes.forward(model, x), checks_q6.deep_net_output(state, kind, x), rtol=1e-5, atol=1e-6,
                     name=f"DeepNet('{kind}', depth=3, width=2, in_features=4, num_classes=3)(x)")
        assert_close(vanishing.layer_gradient_norms(model, x, y), checks_q6.deep_net_gradient_norms(state, kind, x, y),
                     rtol=1e-4, atol=1e-12, name=f"layer_gradient_norms of DeepNet('{kind}', depth=3)")


@pytest.mark.task("q6.7")
def test_experiment_with_16_layers_of_24():
    result = vanishing.vanishing_gradient_experiment(depth=16, width=24, seed=5)
    assert_equal({k: len(v) for k, v in result.items()}, {"sigmoid": 16, "relu": 16, "residual": 16},
                 name="number of norms per kind")
    g = torch.Generator().manual_seed(6)
    x = torch.randn(64, 16, generator=g)
    y = torch.randint(0, 4, (64,), generator=g)
    state = probes.state_dict(probes_q6.seeded_build(vanishing.DeepNet, 5, "residual", 16, 24))
    assert_close(result["residual"], checks_q6.deep_net_gradient_norms(state, "residual", x, y), rtol=1e-4,
                 atol=1e-12, name="vanishing_gradient_experiment(16, 24, seed=5)['residual']")
    checks_q6.assert_residual_keeps_gradients(result, what="vanishing_gradient_experiment(16, 24, seed=5)")


@pytest.mark.task("q6.8")
def test_gradient_plot_of_two_kinds_over_nine_layers(tmp_path):
    norms = {"plain": [10.0 ** -(9 - i) for i in range(9)], "skip": [0.2 + 0.01 * i for i in range(9)]}
    path = tmp_path / "two.png"
    fig = vanishing.plot_gradient_norms(norms, path)
    checks_q5.assert_png_drawn(path, what="plot_gradient_norms with two kinds")
    (ax,) = probes_q6.line_plot_contents(fig)
    assert_equal(ax["yscale"], "log", name="the y scale")
    lines = {label: (xs, ys) for label, xs, ys in ax["lines"]}
    assert_equal(sorted(lines), ["plain", "skip"], name="the line labels")
    for kind, values in norms.items():
        assert_equal(lines[kind][0], [float(i) for i in range(1, 10)], name=f"x data of the {kind} line")
        assert_close(lines[kind][1], values, rtol=1e-12, name=f"y data of the {kind} line")
