"""q10 against a kernel that hands its math to ATen and then hides it. First the reference
solution's source with the forward rewritten on ATen ops (the forward_calls_aten mutant), plus a
swap of the operator recorder probe in the worker so that it reports no operator at all: the
guard's ATen allow-list ("@aten-computing" in q10's tasks.toml) refuses the operators at the
dispatcher, where the probe no longer matters. Then the same math by three routes around the
dispatcher's watch, each of which the watch alone lets through (a kernel called directly, the
Python dispatch key excluded, a thread of its own): the static check of what the compiled library
imports (gradekit.harness.native) refuses them. Graded in grade mode on the course itself (its C++
compiles in the worker, about 15 s a case)."""

from __future__ import annotations

from pathlib import Path

import pytest

from ..grade.conftest import run_grade

REPO = Path(__file__).resolve().parents[2]

RECORDER_SWAPPED = """

import gradekit.probes.q10  # noqa: F401 - registers the recorder probe
from gradekit import probes as _probes



def _nothing_recorded(fn, *args, **kwargs):
    # No operator seen, and the compiled function the checks look for "called".
    return fn(*args, **kwargs), [], ["lrn_kernel.lrn_forward"]


_probes.REGISTRY["gradekit.probes.q10.aten_calls"] = _nothing_recorded
"""


def test_a_kernel_that_computes_with_aten_earns_nothing_even_when_it_hides_the_calls(tmp_path):
    solution = (REPO / "solutions" / "q10" / "lrn_kernel.py").read_text()
    mutant = (REPO / "tests" / "questions" / "mutants" / "q10" / "forward_calls_aten.py").read_text()
    module = tmp_path / "submission" / "q10" / "lrn_kernel.py"
    module.parent.mkdir(parents=True)
    module.write_text(solution + "\n\n" + mutant + RECORDER_SWAPPED)
    out = tmp_path / "out"
    graded = run_grade(module.parent.parent, out, questions=["q10"], course=REPO)
    assert graded.returncode == 0, graded.explain()
    # The backward (q10.5) is honest, but its library imports the forward's ATen operators.
    for task in ("q10.2", "q10.4", "q10.5"):
        assert graded.points(task) == 0, graded.explain()
    # Refused by the operator watch when the call compiles the library, by its imports when it was loaded before.
    refused = ("must not call torch.ops.aten.", "must not use the ATen operator at::_ops::")
    assert any(r in graded.tasks["q10.2"]["output"] for r in refused), graded.explain()
    for task in ("q10.1", "q10.3"):  # the honest parts the allow-list does not guard: the build, the checks
        assert graded.points(task) == graded.tasks[task]["max_score"], graded.explain()


# The ATen forward of the forward_calls_aten mutant, reached by a route the operator watch does not see.
_ATEN_MATH = """
  const int64_t half = size / 2;
  auto squares = at::constant_pad_nd(x.pow(2).unsqueeze(1), {0, 0, 0, 0, half, half});
  auto sums = at::avg_pool3d(squares, {size, 1, 1}, {1, 1, 1}).squeeze(1).mul(double(size));
  return x.mul(sums.mul(alpha).add(k).pow(-beta));
"""
ROUTES = {
    # ATen's CPU kernels called by name: no dispatcher at all.
    "kernel_called_directly": (
        "#include <ATen/ATen.h>\n#include <ATen/CPUFunctions.h>\n",
        """
  const int64_t half = size / 2;
  auto padded = at::zeros({x.size(0), 1, x.size(1) + 2 * half, x.size(2), x.size(3)}, x.options());
  padded.narrow(2, half, x.size(1)).copy_(at::cpu::pow(x, 2).unsqueeze(1));
  auto scale = at::empty({}, x.options());
  scale.fill_(double(size) * alpha);
  auto shift = at::empty({}, x.options());
  shift.fill_(k);
  auto sums = at::cpu::avg_pool3d(padded, {size, 1, 1}, {1, 1, 1}).squeeze(1);
  return at::cpu::mul(x, at::cpu::pow(at::cpu::add(at::cpu::mul(sums, scale), shift), -beta));
""",
        "at::cpu::",
    ),
    # The Python dispatch key excluded: the dispatcher never calls the watch's mode.
    "python_key_excluded": (
        "#include <ATen/ATen.h>\n#include <c10/core/impl/LocalDispatchKeySet.h>\n",
        "  c10::impl::ExcludeDispatchKeyGuard unwatched(c10::DispatchKeySet(c10::DispatchKey::Python));\n" + _ATEN_MATH,
        "dispatch keys",
    ),
    # The math on a thread of its own: the watch is a thread-local mode.
    "own_thread": (
        "#include <ATen/ATen.h>\n#include <thread>\n",
        "  at::Tensor out;\n  std::thread worker([&] { out = [&] {"
        + _ATEN_MATH
        + "  }(); });\n  worker.join();\n  return out;\n",
        "the ATen operator at::_ops::",
    ),
}


# Appended to the reference solution: lrn_source() with its forward replaced by _ROUTE_BODY.
FORWARD_REPLACED = r"""
_correct_lrn_source = lrn_source


def lrn_source():
    source = _correct_lrn_source()
    start = source.index("at::Tensor lrn_forward(")
    end = source.index("at::Tensor lrn_backward(")
    forward = (
        "at::Tensor lrn_forward(at::Tensor x, int64_t size, double alpha, double beta, double k) {\n"
        '  check_input(x, "x");\n  check_size(size);\n' + _ROUTE_BODY + "}\n\n"
    )
    return _ROUTE_INCLUDES + source[:start] + forward + source[end:]
"""


@pytest.mark.parametrize("route", sorted(ROUTES))
def test_aten_math_by_a_route_around_the_dispatcher_earns_nothing(tmp_path, route):
    includes, body, reason = ROUTES[route]
    solution = (REPO / "solutions" / "q10" / "lrn_kernel.py").read_text()
    cheat = f"\n\n_ROUTE_INCLUDES = {includes!r}\n_ROUTE_BODY = {body!r}\n" + FORWARD_REPLACED
    module = tmp_path / "submission" / "q10" / "lrn_kernel.py"
    module.parent.mkdir(parents=True)
    module.write_text(solution + cheat)
    out = tmp_path / "out"
    graded = run_grade(module.parent.parent, out, questions=["q10"], course=REPO)
    assert graded.returncode == 0, graded.explain()
    for task in ("q10.2", "q10.4", "q10.5"):  # q10.5 runs the same library
        assert graded.points(task) == 0, graded.explain()
    message = graded.tasks["q10.2"]["output"]
    assert "from compiled code" in message and reason in message, graded.explain()
    for task in ("q10.1", "q10.3"):
        assert graded.points(task) == graded.tasks[task]["max_score"], graded.explain()
