"""gradekit._calls, the direct path of a plain call: the same results, gradients and errors as
torch.ops, and the checked path whenever something above the dispatcher must see the call."""

from __future__ import annotations

import pytest
import torch
from torch.overrides import TorchFunctionMode
from torch.utils._python_dispatch import TorchDispatchMode

WINDOW = {"max_pool2d": 0, "min_pool2d": 1, "avg_pool2d": 2}


def test_the_direct_calls_are_built(ops):
    assert ops.build_info()["direct_calls"], "gradekit._calls is missing: run `pip install --no-build-isolation -e .`"


@pytest.mark.parametrize("name", sorted(WINDOW))
def test_a_direct_pooling_call_matches_torch_ops_with_its_gradient(ops, name):
    from gradekit import _calls

    x = torch.randn(2, 3, 9, 8, dtype=torch.float64, requires_grad=True)
    direct = _calls.pool(WINDOW[name], x, 3, 2, 2, 1, 1, 0)
    checked = getattr(torch.ops.gradekit, name)(x, [3, 2], [2, 1], [1, 0])
    torch.testing.assert_close(direct, checked, rtol=0, atol=0)
    grad = torch.randn_like(direct)
    (g_direct,) = torch.autograd.grad(direct, x, grad)
    (g_checked,) = torch.autograd.grad(checked, x, grad)
    torch.testing.assert_close(g_direct, g_checked, rtol=0, atol=0)


def test_direct_conv2d_and_lrn_match_torch_ops(ops):
    from gradekit import _calls

    x = torch.randn(2, 4, 7, 7, requires_grad=True)
    w = torch.nn.Parameter(torch.randn(6, 2, 3, 3))
    b = torch.randn(6)
    direct = _calls.conv2d(x, w, b, 2, 1, 1, 0, 1, 1, 1, 1, 2)
    torch.testing.assert_close(direct, torch.ops.gradekit.conv2d(x, w, b, [2, 1], [1, 0, 1, 1], [1, 1], 2))
    (gw,) = torch.autograd.grad(direct.sum(), w)
    torch.testing.assert_close(
        gw, torch.autograd.grad(torch.ops.gradekit.conv2d(x, w, b, [2, 1], [1, 0, 1, 1], [1, 1], 2).sum(), w)[0]
    )
    y = _calls.lrn(x, 3, 1e-2, 0.75, 1, "torch")
    torch.testing.assert_close(y, torch.nn.functional.local_response_norm(x, 3, 1e-2, 0.75, 1.0))


def test_the_public_functions_give_torchs_results_on_the_direct_path(ops):
    import torch.nn.functional as F

    x = torch.randn(1, 2, 6, 6)
    w = torch.randn(3, 2, 3, 3)
    torch.testing.assert_close(ops.max_pool2d(x, 2), F.max_pool2d(x, 2))
    torch.testing.assert_close(ops.avg_pool2d(x, 3, 1, 1), F.avg_pool2d(x, 3, 1, 1))
    torch.testing.assert_close(ops.min_pool2d(x, 2), -F.max_pool2d(-x, 2))
    torch.testing.assert_close(ops.conv2d(x, w, None, 1, 1), F.conv2d(x, w, None, 1, 1))
    torch.testing.assert_close(ops.lrn(x, 3, k=1.0, convention="torch"), F.local_response_norm(x, 3, k=1.0))


def test_a_bad_value_gets_the_checked_paths_message_on_the_direct_path(ops):
    x = torch.randn(1, 1, 4, 4)
    with pytest.raises(RuntimeError) as checked:
        torch.ops.gradekit.max_pool2d(x, [0, 0], [1, 1], [0, 0])
    with pytest.raises(RuntimeError) as direct:
        ops.max_pool2d(x, 0, 1)
    assert str(direct.value) == str(checked.value) and "kernel_size" in str(direct.value)
    with pytest.raises(RuntimeError, match="convention"):
        ops.lrn(x, 3, convention="caffe")


def test_the_direct_functions_refuse_what_is_not_theirs(ops):
    from gradekit import _calls

    x = torch.randn(1, 1, 4, 4)
    with pytest.raises(TypeError, match="takes 8 arguments, got 2"):
        _calls.pool(0, x)
    with pytest.raises(TypeError, match="expected a torch.Tensor, got list"):
        _calls.pool(0, [1.0], 2, 2, 2, 2, 0, 0)
    with pytest.raises(TypeError):
        _calls.pool(0, x, 2.5, 2, 2, 2, 0, 0)
    # A device gradekit does not serve, or an unknown kind, is left to the checked path.
    assert _calls.pool(0, torch.empty(1, 1, 4, 4, device="meta"), 2, 2, 2, 2, 0, 0) is NotImplemented
    assert _calls.pool(7, x, 2, 2, 2, 2, 0, 0) is NotImplemented
    # ...whose checks name the problem and whose fake kernel gives the meta shape.
    assert ops.max_pool2d(torch.empty(1, 1, 4, 4, device="meta"), 2).shape == (1, 1, 2, 2)


def test_a_torch_function_mode_and_a_subclass_still_see_the_call(ops):
    seen = []

    class Record(TorchFunctionMode):
        def __torch_function__(self, func, types, args=(), kwargs=None):
            seen.append(str(func))
            return func(*args, **(kwargs or {}))

    x = torch.randn(1, 1, 4, 4)
    with Record():
        ops.max_pool2d(x, 2)
        ops.lrn(x)
    assert any("gradekit.max_pool2d" in f for f in seen) and any("gradekit.lrn" in f for f in seen), seen

    class Tagged(torch.Tensor):
        calls: list = []

        @classmethod
        def __torch_function__(cls, func, types, args=(), kwargs=None):
            cls.calls.append(str(func))
            return super().__torch_function__(func, types, args, kwargs or {})

    ops.avg_pool2d(x.as_subclass(Tagged), 2)
    assert any("gradekit.avg_pool2d" in f for f in Tagged.calls), Tagged.calls


def test_a_dispatch_mode_sees_a_direct_call(ops):
    # The guard's operator watch is a TorchDispatchMode: the direct path must not hide an op from it.
    seen = []

    class Record(TorchDispatchMode):
        def __torch_dispatch__(self, func, types, args=(), kwargs=None):
            seen.append(str(func))
            return func(*args, **(kwargs or {}))

    from gradekit import _calls

    x = torch.randn(1, 1, 4, 4)
    with Record():
        _calls.pool(0, x, 2, 2, 2, 2, 0, 0)
    assert seen == ["gradekit.max_pool2d.default"], seen


def test_torch_compile_captures_the_ops_in_one_graph(ops):
    x = torch.randn(1, 2, 8, 8)
    w = torch.randn(2, 2, 3, 3)

    def net(t):
        return ops.lrn(ops.max_pool2d(ops.conv2d(t, w, None, 1, 1), 2))

    compiled = torch.compile(net, fullgraph=True, backend="eager")
    torch.testing.assert_close(compiled(x), net(x))
