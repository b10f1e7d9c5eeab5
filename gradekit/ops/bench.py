"""``gradekit bench``: gradekit's kernels against torch, timed in the same process.

For every op and shape it prints torch's time, gradekit's time and the ratio torch_ms /
gradekit_ms (> 1: gradekit is faster), for the forward pass and for forward + backward.
Times are medians of repeated calls after a warm-up call; CUDA work is synchronized around each
call. Each row also reports the largest difference between the two outputs, so a fast wrong
kernel cannot pass unnoticed.
The shapes and goals are in bench_cases.py.
"""

from __future__ import annotations

import datetime
import json
import os
import platform
import statistics
import time
from dataclasses import asdict, dataclass, field
from typing import Callable

import torch
import torch.nn.functional as F

from gradekit.ops.bench_cases import Case, cases_for

OPS = ("conv2d", "max_pool2d", "avg_pool2d", "min_pool2d", "lrn")


@dataclass
class Row:
    op: str
    layer: str
    shape: str
    args: str
    passes: str  # "fwd" or "fwd+bwd"
    torch_ms: float
    gradekit_ms: float
    ratio: float
    goal: float | None
    met: bool | None
    max_abs_diff: float
    repeats: int = field(default=0)
    limit: str = field(default="")  # memory-bound rows: gradekit ms / copy ms; conv: GFLOP/s vs peak


def _functions(case: Case) -> tuple[Callable, Callable]:
    """(torch reference, gradekit) taking the case's input tensors."""
    from gradekit import ops

    a = case.args
    if case.op == "conv2d":
        return (
            lambda x, w, b: F.conv2d(x, w, b, a.get("stride", 1), a.get("padding", 0)),
            lambda x, w, b: ops.conv2d(x, w, b, a.get("stride", 1), a.get("padding", 0)),
        )
    if case.op == "lrn":
        return (lambda x: F.local_response_norm(x, a["size"], a["alpha"], a["beta"], a["k"]), lambda x: ops.lrn(x, **a))
    k, s = a["kernel_size"], a["stride"]
    if case.op == "min_pool2d":
        return lambda x: -F.max_pool2d(-x, k, s), lambda x: ops.min_pool2d(x, k, s)
    return lambda x: getattr(F, case.op)(x, k, s), lambda x: getattr(ops, case.op)(x, k, s)


def _inputs(case: Case, device: str, requires_grad: bool) -> list[torch.Tensor]:
    g = torch.Generator().manual_seed(0)
    fmt = torch.channels_last if case.channels_last else torch.contiguous_format
    x = torch.randn(case.shape, generator=g).to(device).contiguous(memory_format=fmt)
    tensors = [x]
    if case.weight is not None:
        fan_in = case.weight[1] * case.weight[2] * case.weight[3]
        tensors += [
            torch.randn(case.weight, generator=g).div_(fan_in**0.5).to(device),
            torch.randn(case.weight[0], generator=g).to(device),
        ]
    return [t.requires_grad_(requires_grad) for t in tensors]


def _sync(device: str) -> None:
    if device == "cuda":
        torch.cuda.synchronize()


def _time_call(fn: Callable[[], object], device: str) -> float:
    _sync(device)
    start = time.perf_counter()
    fn()
    _sync(device)
    return time.perf_counter() - start


def _median_ms(
    ref: Callable[[], object], mine: Callable[[], object], device: str, repeats: int, budget_s: float
) -> tuple[float, float, int]:
    """Median wall times (ms) of ref() and mine() after one warm-up call each.

    The calls alternate (ref, mine, mine, ref, ...) so that a change in machine load during the
    run weighs on both sides alike; slow calls get fewer repeats (never fewer than 3).
    """
    first = _time_call(ref, device) + _time_call(mine, device)
    n = max(3, min(repeats, int(budget_s / max(first, 1e-6))))
    ref_times, mine_times = [], []
    for i in range(n):
        pair = [(ref, ref_times), (mine, mine_times)]
        for fn, times in pair if i % 2 == 0 else reversed(pair):
            times.append(_time_call(fn, device))
    return statistics.median(ref_times) * 1e3, statistics.median(mine_times) * 1e3, n


def _traffic_elements(case: Case, out: torch.Tensor, backward: bool) -> int:
    """Elements a memory-bound op must read plus write: input and output, and in backward also
    grad_out, the gradient (and x again for LRN, whose backward recomputes the window sums)."""
    n_in, n_out = out.new_empty(case.shape).numel(), out.numel()
    total = n_in + n_out
    if backward:
        total += n_out + n_in + (n_in if case.op == "lrn" else 0)
    return total


def _copy_ms(elements: int, device: str, repeats: int, budget_s: float) -> float:
    """Median time of out.copy_(x) where x and out hold elements / 2 floats each: the same bytes
    read and written as the op, i.e. the memory-bandwidth limit for it."""
    half = max(1, elements // 2)
    x = torch.randn(half, device=device)
    out = torch.empty_like(x)
    t, _, _ = _median_ms(lambda: out.copy_(x), lambda: None, device, repeats, budget_s / 4)
    return t


def peak_gflops() -> tuple[float, str]:
    """Peak float32 GFLOP/s of one core and how it was derived (flags and MHz of /proc/cpuinfo)."""
    flags, mhz = set(), 0.0
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("flags") and not flags:
                    flags = set(line.split(":", 1)[1].split())
                elif line.startswith("cpu MHz") and not mhz:
                    mhz = float(line.split(":", 1)[1])
    except OSError:
        pass
    lanes = 16 if "avx512f" in flags else 8 if "avx" in flags else 4
    fma_units = 2  # an assumption: 2 FMA pipes per core (AVX2 Intel since Haswell, AMD Zen 3)
    flops = 2 if "fma" in flags else 1
    peak = lanes * fma_units * flops * mhz / 1e3
    how = (
        f"peak/core = {lanes} float32 lanes ({'avx512f' if lanes == 16 else 'avx'} in /proc/cpuinfo flags) x "
        f"{fma_units} FMA units (assumed) x {flops} flops x {mhz:.0f} MHz (cpu MHz) = {peak:.0f} GFLOP/s; "
        "gradekit's kernels are compiled for AVX2 (8 lanes)"
    )
    return peak, how


def _loop(fn: Callable[[], object], calls: int) -> Callable[[], None]:
    def many():
        for _ in range(calls):
            fn()

    return many


def _run_case(case: Case, device: str, repeats: int, budget_s: float) -> list[Row]:
    ref, mine = _functions(case)
    rows = []
    for passes in ("fwd", "fwd+bwd"):
        backward = passes == "fwd+bwd"
        inputs = _inputs(case, device, backward)
        with torch.no_grad():
            diff = (ref(*inputs).float() - mine(*inputs).float()).abs().max().item()
        if backward:
            grad = torch.randn_like(ref(*inputs))

            def timed(fn, inputs=inputs, grad=grad):
                def step():
                    for t in inputs:
                        t.grad = None
                    fn(*inputs).backward(grad)

                return step
        else:

            def timed(fn, inputs=inputs):
                return lambda: fn(*inputs)

        if case.calls > 1:  # per-call rows: each sample is a loop of calls, reported per call
            t_ms, g_ms, n = _median_ms(
                _loop(timed(ref), case.calls), _loop(timed(mine), case.calls), device, repeats, budget_s
            )
            t_ms, g_ms = t_ms / case.calls, g_ms / case.calls
        else:
            t_ms, g_ms, n = _median_ms(timed(ref), timed(mine), device, repeats, budget_s)
        goal = case.goal_fwdbwd if backward else case.goal_fwd
        ratio = t_ms / g_ms
        if case.calls > 1:
            limit = f"per call, {case.calls} calls a sample"
        elif case.op == "conv2d":
            o, c, kh, kw = case.weight
            with torch.no_grad():
                outputs = ref(*inputs).numel()
            flop = 2 * outputs * c * kh * kw * (3 if backward else 1)
            peak, _ = peak_gflops()
            threads = min(torch.get_num_threads(), os.cpu_count() or 1)
            limit = f"{flop / g_ms / 1e6:.0f} of {peak * threads:.0f} GFLOP/s" if device == "cpu" else ""
        else:
            with torch.no_grad():
                out = ref(*inputs)
            c_ms = _copy_ms(_traffic_elements(case, out, backward), device, repeats, budget_s)
            limit = f"{g_ms / c_ms:.2f}x copy ({c_ms:.3f} ms)"
        rows.append(
            Row(
                case.op,
                case.layer + (" channels_last" if case.channels_last else ""),
                "x".join(map(str, case.shape)) + (f" w{'x'.join(map(str, case.weight))}" if case.weight else ""),
                ", ".join(f"{k}={v}" for k, v in case.args.items()),
                passes,
                round(t_ms, 3),
                round(g_ms, 3),
                round(ratio, 2),
                goal,
                None if goal is None else ratio >= goal,
                diff,
                n,
                limit,
            )
        )
    return rows


def _cpu_model() -> str:
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def header(device: str) -> dict:
    from gradekit import ops

    info = {
        "date": datetime.datetime.now().isoformat(timespec="seconds"),
        "device": device,
        "cpu": _cpu_model(),
        "cores": os.cpu_count(),
        "torch": torch.__version__,
        "torch_threads": torch.get_num_threads(),
        "gradekit_build": ops.build_info(),
        "load_average": list(os.getloadavg()) if hasattr(os, "getloadavg") else None,
    }
    if device == "cuda":
        info["gpu"] = torch.cuda.get_device_name(0)
        info["tf32"] = False
    return info


def _print_header(info: dict) -> None:
    where = info.get("gpu") or info["cpu"]
    load = ", ".join(f"{v:.2f}" for v in info["load_average"]) if info["load_average"] else "n/a"
    print(
        f"gradekit bench  {info['date']}  device={info['device']} ({where})  torch {info['torch']}  "
        f"threads={info['torch_threads']}  cores={info['cores']}  load average {load}"
    )
    print("ratio = torch ms / gradekit ms (> 1: gradekit faster); median of repeats after a warm-up call")
    print(
        "limit: memory-bound ops: gradekit ms as a multiple of out.copy_(x) moving the same bytes (read + write) "
        "in the same run; conv2d: gradekit GFLOP/s against the peak of the cores in use"
    )
    if info["device"] == "cpu":
        print(peak_gflops()[1])


def _print_row(r: Row) -> None:
    goal = "" if r.goal is None else f">= {r.goal:g} {'met' if r.met else 'MISSED'}"
    print(
        f"{r.op:<11} {r.layer:<29} {r.shape:<26} {r.passes:<7} {r.torch_ms:>10.3f} {r.gradekit_ms:>12.3f} "
        f"{r.ratio:>7.2f}  {goal:<13} {r.max_abs_diff:.1e}  {r.limit}"
    )


def main(
    device: str = "cpu",
    json_path: str | None = None,
    quick: bool = False,
    ops: list[str] | None = None,
    layers: list[str] | None = None,
) -> int:
    """Run the benchmark; returns a process exit code (0 when it ran, whether goals were met or not).
    ``layers`` keeps the rows whose layer name contains one of its words (e.g. "per-call", "pool5")."""
    from gradekit import ops as gk

    if not gk.build_info()["built"]:
        print(f"gradekit._C is not built ({gk.build_info()['error']}): run `{gk.BUILD_COMMAND}` in the repository")
        return 1
    unknown = sorted(set(ops or ()) - set(OPS))
    if unknown:
        print(f"unknown op(s) {', '.join(unknown)}; choose from {', '.join(OPS)}")
        return 2
    if device == "cuda":
        if not torch.cuda.is_available() or not gk.build_info()["cuda"]:
            print(
                "no CUDA benchmark: "
                + (
                    "no CUDA device is visible"
                    if not torch.cuda.is_available()
                    else "gradekit._C was built without CUDA kernels"
                )
            )
            return 1
        torch.backends.cudnn.allow_tf32 = False
        torch.backends.cuda.matmul.allow_tf32 = False
    cases = [c for c in cases_for(device) if (ops is None or c.op in ops) and (c.quick or not quick)]
    if layers:
        cases = [c for c in cases if any(word in c.layer for word in layers)]
        if not cases:
            names = sorted({c.layer for c in cases_for(device) if ops is None or c.op in ops})
            print(f"no layer matches {', '.join(layers)}; the layers are: {', '.join(names)}")
            return 2
    info = header(device)
    _print_header(info)
    print(
        f"{'op':<11} {'layer':<29} {'input':<26} {'pass':<7} {'torch ms':>10} {'gradekit ms':>12} {'ratio':>7}  "
        f"{'goal':<13} max|diff|  limit"
    )
    rows = []
    for case in cases:
        for row in _run_case(case, device, repeats=3 if quick else 11, budget_s=0.3 if quick else 4.0):
            _print_row(row)
            rows.append(row)
    if json_path:
        with open(json_path, "w") as f:
            json.dump({"header": info, "rows": [asdict(r) for r in rows]}, f, indent=1)
    return 0
