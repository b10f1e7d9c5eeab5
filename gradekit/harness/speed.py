"""Speed targets: the submission and the reference kernel timed on the same fresh inputs, in one process.

Each timed repeat draws a new input (so caching by input identity gains nothing), runs the
submission and the reference on it, and checks the submission's output against the reference's
output for that very input (so a fast wrong answer earns nothing). The ratio is
``median(reference time) / median(submission time)``: 1.0 means as fast as the reference.
Points follow :meth:`gradekit.course.questions.Speed.fraction`.
"""

from __future__ import annotations

import copy
import statistics
import sys
import time
from dataclasses import dataclass
from typing import Callable

from gradekit.course.questions import Speed

# Bound now: a submission that patches time.perf_counter later does not change our clock.
clock = time.perf_counter_ns


@dataclass(frozen=True)
class SpeedResult:
    task_id: str
    ratio: float
    submission_ms: float
    reference_ms: float
    target: float
    floor: float
    fraction: float
    repeats: int
    threads: int | None
    reference: str

    def note(self) -> str:
        return (
            f"{self.ratio:.2f}x the speed of {self.reference} (target {self.target:g}x, "
            f"{self.submission_ms:.3g} ms vs {self.reference_ms:.3g} ms)"
        )


def same_values(a, b) -> bool:
    """Inputs unchanged? Arrays and tensors compared exactly, other values with ==."""
    np = sys.modules.get("numpy")
    torch = sys.modules.get("torch")
    if np is not None and isinstance(a, np.ndarray):
        return isinstance(b, np.ndarray) and a.shape == b.shape and bool(np.array_equal(a, b, equal_nan=True))
    if torch is not None and isinstance(a, torch.Tensor):
        return (
            isinstance(b, torch.Tensor)
            and a.shape == b.shape
            and bool(torch.equal(a, b) or (a.isnan() & b.isnan()).all())
        )
    if isinstance(a, (tuple, list)):
        return len(a) == len(b) and all(same_values(x, y) for x, y in zip(a, b))
    if isinstance(a, dict):
        return a.keys() == b.keys() and all(same_values(a[k], b[k]) for k in a)
    return a == b


def pin_threads():
    """Fix torch's thread count for the measurement and report it (None when torch is not in use)."""
    torch = sys.modules.get("torch")
    if torch is None:
        return None, lambda: None
    n = torch.get_num_threads()
    torch.set_num_threads(n)
    return n, lambda: torch.set_num_threads(n)


def _timed(fn, args, kwargs) -> tuple[int, object]:
    start = clock()
    out = fn(*args, **kwargs)
    torch = sys.modules.get("torch")
    if torch is not None and torch.cuda.is_available() and torch.cuda.is_initialized():
        torch.cuda.synchronize()
    return clock() - start, out


@dataclass(frozen=True)
class Runs:
    """How one side of a comparison is run: in this process, or in grade mode through the sandbox.

    ``warm(inputs)`` runs both sides once, untimed. ``submission(inputs)`` and ``reference(inputs)``
    return ``(nanoseconds, output)``; each gets its own copy of the inputs. ``inputs_after(inputs)``
    is what the submission's copy of the inputs holds after its run.
    """

    warm: Callable[[tuple], None]
    submission: Callable[[tuple], tuple[int, object]]
    reference: Callable[[tuple], tuple[int, object]]
    inputs_after: Callable[[tuple], object]


def measure(
    task_id: str,
    speed: Speed,
    runs: Runs,
    make_inputs: Callable[[int], tuple],
    check: Callable[[object, object], None],
    *,
    repeats: int,
    warmup: int,
    seed: int,
) -> SpeedResult:
    """The timing loop both ways of running share: fresh inputs per repeat, order alternated, outputs checked."""
    __tracebackhide__ = True
    threads, restore = pin_threads()
    sub_ns, ref_ns = [], []
    try:
        for i in range(warmup):
            runs.warm(make_inputs(seed + 1000 + i))
        for r in range(repeats):
            inputs = make_inputs(seed + r)
            before = copy.deepcopy(inputs)
            ref_inputs = copy.deepcopy(inputs)  # the submission cannot disturb what the reference sees
            # Alternate which runs first so neither always gets the warmer cache.
            if r % 2 == 0:
                t_sub, out = runs.submission(inputs)
                t_ref, ref_out = runs.reference(ref_inputs)
            else:
                t_ref, ref_out = runs.reference(ref_inputs)
                t_sub, out = runs.submission(inputs)
            if not same_values(before, runs.inputs_after(inputs)):
                raise AssertionError("the submission modified its input arrays; it must leave them unchanged")
            try:
                check(out, ref_out)
            except AssertionError as exc:
                raise AssertionError(f"wrong output in timed run {r + 1}: {exc}") from None
            sub_ns.append(t_sub)
            ref_ns.append(t_ref)
    finally:
        restore()
    sub_ms = statistics.median(sub_ns) / 1e6
    ref_ms = statistics.median(ref_ns) / 1e6
    ratio = ref_ms / max(sub_ms, 1e-9)
    return SpeedResult(
        task_id=task_id,
        ratio=ratio,
        submission_ms=sub_ms,
        reference_ms=ref_ms,
        target=speed.target,
        floor=speed.floor,
        fraction=speed.fraction(ratio),
        repeats=repeats,
        threads=threads,
        reference=speed.reference,
    )


def compare(
    task_id: str,
    speed: Speed,
    submission: Callable,
    reference: Callable,
    make_inputs: Callable[[int], tuple],
    check: Callable[[object, object], None],
    *,
    kwargs: dict | None = None,
    reference_kwargs: dict | None = None,
    repeats: int = 5,
    warmup: int = 1,
    seed: int = 0,
) -> SpeedResult:
    """Time ``submission(*inputs, **kwargs)`` against ``reference(*inputs, **reference_kwargs)``.

    ``make_inputs(seed)`` returns a fresh tuple of inputs; ``check(sub_out, ref_out)`` raises
    AssertionError when the submission's output is wrong. Returns the ratio and the points fraction.
    """
    __tracebackhide__ = True
    kwargs = kwargs or {}
    reference_kwargs = reference_kwargs or {}

    def warm(inputs):
        submission(*inputs, **kwargs)
        reference(*inputs, **reference_kwargs)

    runs = Runs(
        warm=warm,
        submission=lambda inputs: _timed(submission, inputs, kwargs),
        reference=lambda inputs: _timed(reference, inputs, reference_kwargs),
        inputs_after=lambda inputs: inputs,
    )
    return measure(task_id, speed, runs, make_inputs, check, repeats=repeats, warmup=warmup, seed=seed)
