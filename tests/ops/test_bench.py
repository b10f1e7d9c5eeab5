"""Smoke test of the kernel benchmark: it runs and writes every field (timings are not judged)."""

from __future__ import annotations

import json

ROW_FIELDS = {
    "op",
    "layer",
    "shape",
    "args",
    "passes",
    "torch_ms",
    "gradekit_ms",
    "ratio",
    "goal",
    "met",
    "max_abs_diff",
    "repeats",
}
HEADER_FIELDS = {"date", "device", "cpu", "cores", "torch", "torch_threads", "gradekit_build", "load_average"}


def test_quick_benchmark_writes_json(ops, tmp_path, capsys):
    from gradekit.ops import bench

    out = tmp_path / "bench.json"
    assert bench.main(device="cpu", json_path=str(out), quick=True) == 0
    data = json.loads(out.read_text())
    assert HEADER_FIELDS <= set(data["header"]), f"header lacks {HEADER_FIELDS - set(data['header'])}"
    assert data["header"]["torch"] == __import__("torch").__version__
    rows = data["rows"]
    assert {r["op"] for r in rows} == set(bench.OPS), "--quick should time every op once"
    for r in rows:
        assert ROW_FIELDS <= set(r), f"row lacks {ROW_FIELDS - set(r)}"
        assert r["passes"] in ("fwd", "fwd+bwd") and r["torch_ms"] > 0 and r["gradekit_ms"] > 0, r
        assert abs(r["ratio"] - r["torch_ms"] / r["gradekit_ms"]) <= 0.01 * r["ratio"] + 0.01, r
        assert r["max_abs_diff"] < 1e-3, f"gradekit and torch disagree in the benchmark: {r}"
    assert "ratio = torch ms / gradekit ms" in capsys.readouterr().out


def test_unknown_op_is_refused(ops, capsys):
    from gradekit.ops import bench

    assert bench.main(ops=["conv3d"]) == 2
    assert "conv3d" in capsys.readouterr().out


def test_layers_keep_the_rows_named_and_an_unknown_one_lists_them(ops, capsys):
    from gradekit.ops import bench

    assert bench.main(ops=["lrn"], layers=["per-call"], quick=False) == 0
    printed = capsys.readouterr().out
    rows = [line for line in printed.splitlines() if line.startswith("lrn ")]
    assert rows and all("per-call" in line for line in rows), printed
    assert bench.main(ops=["lrn"], layers=["conv9"]) == 2
    assert "no layer matches conv9; the layers are: alexnet.norm1" in capsys.readouterr().out
