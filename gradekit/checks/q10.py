"""Trusted checks for q10 (your own C++ kernel), shared by its visible and hidden tests.

They run in the test's own process and reach the student's code only through the probe
gradekit.probes.q10.aten_calls, whose list of operators :func:`assert_computes_itself` judges.
"""

from __future__ import annotations

from gradekit.harness.presets import ATEN_MEMORY_OPS
from gradekit.probes.q10 import aten_calls

# What a kernel may call: gradekit.harness.presets.ATEN_MEMORY_OPS, the allow-list that q10's tasks
# also give the do-it-yourself guard ("@aten-computing" in tasks.toml).
MEMORY_OPS = ATEN_MEMORY_OPS


def computing_ops(ops: list[str]) -> list[str]:
    """The operators of ``ops`` that compute something (all but aten's memory operators)."""
    return [op for op in ops if not (op.startswith("aten.") and op[len("aten.") :] in MEMORY_OPS)]


def assert_computes_itself(ops: list[str], call: str) -> None:
    """Fail when the recorded operators of ``call`` include one that computes (the C++ must do the math).

    Inputs:
    - ops: list of str, the second value returned by :func:`aten_calls`
    - call: str, the call in words, for the message
    """
    computing = computing_ops(ops)
    assert not computing, (
        f"{call} must compute with its own loops, but it called {', '.join(computing)} (only operators "
        "that allocate or lay out memory, such as empty_like and contiguous, are allowed)"
    )


ALEXNET = {"size": 5, "alpha": 1e-4, "beta": 0.75, "k": 2.0}
# float32 keeps about 7 digits; a kernel's sums and powers may round differently from gradekit's.
FLOAT32_TOL = {"rtol": 1e-5, "atol": 1e-6}
FLOAT64_TOL = {"rtol": 1e-10, "atol": 1e-12}


def checked_call(fn, call: str, *args, **kwargs):
    """fn(*args, **kwargs), failing the test when it called an ATen operator that computes.

    Inputs:
    - fn: the student's function; call: str, the call in words for the messages
    Returns:
    - fn's result
    """
    out, calls, compiled = aten_calls(fn, *args, **kwargs)
    assert_computes_itself(calls, call)
    assert_runs_compiled_code(compiled, call)
    return out


def assert_runs_compiled_code(compiled: list[str], call: str) -> None:
    """Fail when ``call`` ran none of the submission's compiled functions: q10's kernel is C++.

    Inputs:
    - compiled: list of str, the third value returned by :func:`aten_calls`
    - call: str, the call in words, for the message
    """
    assert compiled, (
        f"{call} must run your compiled C++ (the lrn_forward or lrn_backward that build() compiles), "
        "but it called no function of an extension the submission compiled: q10 grades a C++ kernel, "
        "so Python or NumPy code doing the work earns no points here"
    )


def relu_activations(seed: int, shape: tuple, scale: float = 60.0, dtype=None):
    """Non-negative activations large enough for the normalization to change them noticeably.

    Returns:
    - torch.Tensor of ``shape``, float64 unless ``dtype`` says otherwise
    """
    import numpy as np
    import torch

    rng = np.random.default_rng(seed)
    return torch.from_numpy(np.maximum(scale * rng.standard_normal(shape), 0)).to(dtype or torch.float64)


def assert_alexnet_lrn(out, x, tol: dict, **params) -> None:
    """out must equal AlexNet's LRN of x by gradekit.ops and by torch (alpha times size) within tol.

    Inputs:
    - out: the student's result; x: (N, C, H, W) tensor; tol: {'rtol', 'atol'}; params: size, alpha, beta, k
    """
    import torch.nn.functional as F

    from gradekit import ops
    from gradekit.checks.q3 import lrn_mistakes
    from gradekit.testing import assert_close

    call = f"lrn(x of shape {tuple(x.shape)}, {x.dtype}, {params})"
    wrong = lrn_mistakes(x, convention="alexnet", **params)  # the kernel computes q3's AlexNet convention
    assert_close(out, ops.lrn(x, convention="alexnet", **params), name=call, mistakes=wrong, **tol)
    torch_params = dict(params, alpha=params["alpha"] * params["size"])
    assert_close(out, F.local_response_norm(x, **torch_params), name=f"{call} against F.local_response_norm", **tol)


def alexnet_lrn_dx(dout, x, **params):
    """dx of sum(dout * gradekit.ops.lrn(x, convention='alexnet')), by gradekit's backward kernel.

    Returns:
    - torch.Tensor of x's shape and dtype
    """
    from gradekit import ops

    tx = x.detach().clone().requires_grad_(True)
    ops.lrn(tx, convention="alexnet", **params).backward(dout)
    return tx.grad


def raised_by(fn, *args, **kwargs):
    """The exception fn(*args, **kwargs) raises, or None.

    Raised again instead: NotImplementedError (a stub's, and a RuntimeError too), so that an
    untouched stub reads 'not implemented yet', and build()'s compile error, so that a source that
    does not compile shows the compiler's message rather than a complaint about the wording.
    """
    try:
        fn(*args, **kwargs)
    except NotImplementedError:
        raise
    except Exception as exc:  # noqa: BLE001 - which class is the student's choice; tests check the message
        if "did not compile" in str(exc):
            raise
        return exc
    return None


def assert_error_names(exc, argument: str, value: str, call: str) -> None:
    """exc must exist and its message contain the word ``argument`` and the text ``value`` (any case).

    Inputs:
    - exc: the exception from :func:`raised_by` (None when nothing was raised)
    - argument: str, e.g. 'size'; value: str, e.g. '4'; call: str, the call in words
    """
    import re

    assert exc is not None, f"{call} must raise an exception"
    text = str(exc)
    assert re.search(rf"\b{re.escape(argument)}\b", text) and value.lower() in text.lower(), (
        f"the error of {call} must name {argument} and say {value!r}, got {type(exc).__name__}: {text}"
    )
