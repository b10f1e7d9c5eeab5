"""q10 against a kernel that hands its math to ATen and then hides it: the reference solution's
source with the forward rewritten on ATen ops (the forward_calls_aten mutant), plus a swap of the
operator recorder probe in the worker so that it reports no operator at all. The guard's ATen
allow-list ("@aten-computing" in q10's tasks.toml) refuses the operators at the dispatcher, where
the probe no longer matters. Graded in grade mode on the course itself (its C++ compiles in the
worker, about 15 s)."""

from __future__ import annotations

from pathlib import Path

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
    for task in ("q10.2", "q10.4"):
        assert graded.points(task) == 0, graded.explain()
    assert "must not call torch.ops.aten." in graded.tasks["q10.2"]["output"], graded.explain()
    for task in ("q10.1", "q10.3", "q10.5"):  # the honest parts: the build, the checks, the backward
        assert graded.points(task) == graded.tasks[task]["max_score"], graded.explain()
