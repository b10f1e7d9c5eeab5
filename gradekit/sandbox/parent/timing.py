"""Speed targets in grade mode: the parent's clock, the same message round trip on both sides.

For every timed repeat the parent draws fresh inputs and encodes them before its clock starts.
The submission's time runs from sending the request (inputs included) to receiving the complete
encoded result, so nothing can be computed before the inputs arrive, nothing can be left to finish
after the answer, and no clock in the worker matters. The reference runs here, in the trusted
process; its time is its computation, with every process of the sandbox stopped (SIGSTOP) so that
nothing the submission left running competes with it, plus one round trip to a trusted echo
worker (no student code) that receives the same request bytes and answers with as many bytes as the reference's
encoded output: both sides pay the same transport. Each output is checked against the
reference's output for the same input, and the worker's copy of the inputs is read back (off the
clock) to reject a submission that modifies its inputs, as gradekit.harness.speed does in-process.
The seeds given to ``make_inputs`` get a secret random offset per grading: the inputs keep their
shapes and distribution, but a submission cannot precompute answers for the seeds it can read in
gradekit's source.
"""

from __future__ import annotations

import contextlib
import copy
import secrets
import signal
import socket
import subprocess
import sys
import time

from gradekit.harness import speed as _speed
from gradekit.sandbox import wire
from gradekit.sandbox.parent import launch, processes
from gradekit.sandbox.parent.proxies import RemoteRef, find_refs, worker_of

_clock = _speed.clock  # perf_counter_ns, bound before any submission existed


class EchoWorker:
    """A trusted process that decodes what it is sent and answers with the number of bytes asked."""

    def __init__(self):
        mine, theirs = socket.socketpair()
        self.proc = subprocess.Popen(
            [sys.executable, "-I", "-m", "gradekit.sandbox.worker", "echo", "--fd", str(theirs.fileno())],
            pass_fds=[theirs.fileno()],
            env=launch.clean_env("/tmp", "/tmp"),
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        theirs.close()
        self.sock = mine

    def round_trip(self, frame: bytes, timeout: float = 600.0) -> int:
        start = _clock()
        self.sock.sendall(frame)
        wire.recv(self.sock, time.monotonic() + timeout)
        return _clock() - start

    def close(self) -> None:
        self.sock.close()
        self.proc.kill()
        self.proc.wait()


def _blob_bytes(value) -> int:
    _, blobs = wire.encode(value, on_object=lambda v: {"~": "ref"})
    return sum(len(b) for b in blobs)


def make_compare(session):
    """A function with gradekit.harness.speed.compare's signature: the sandbox backend's speed_compare."""

    def compare(task_id, speed, submission, reference, make_inputs, check, **options):
        __tracebackhide__ = True
        if not isinstance(submission, RemoteRef):
            # A wrapper around submission calls: timed in-process (the round trips count against it).
            return _speed.compare(task_id, speed, submission, reference, make_inputs, check, **options)
        if session.echo is None:
            session.echo = EchoWorker()
        frozen = _freezer(worker_of(submission).zygote, session.config.uid)
        return _compare(session.echo, frozen, task_id, speed, submission, reference, make_inputs, check, **options)

    return compare


def _freezer(zygote, uid):
    """A context manager that stops every process of the sandbox while the reference is timed:
    a submission's threads or children must not slow the reference (and so raise its own ratio)
    by streaming memory in the background."""

    @contextlib.contextmanager
    def frozen():
        root = getattr(getattr(zygote, "proc", None), "pid", None)
        if root is None:
            yield
            return
        processes.signal_sandbox(root, uid, signal.SIGSTOP)
        try:
            yield
        finally:
            processes.signal_sandbox(root, uid, signal.SIGCONT)

    return frozen


def _compare(
    echo,
    frozen,
    task_id,
    speed,
    submission,
    reference,
    make_inputs,
    check,
    *,
    kwargs=None,
    reference_kwargs=None,
    repeats: int = 5,
    warmup: int = 1,
    seed: int = 0,
):
    __tracebackhide__ = True
    kwargs, reference_kwargs = kwargs or {}, reference_kwargs or {}
    worker = worker_of(submission)

    def warm(inputs):
        worker.request("speed_call", submission, list(inputs), kwargs)
        reference(*copy.deepcopy(inputs), **reference_kwargs)

    def run_submission(inputs):
        # Encoded before the clock starts: the submission's time is the round trip and its run.
        frame, slots = worker.pack("speed_call", [submission, list(inputs), kwargs])
        msg, blobs, elapsed = worker.exchange(frame, clock=_clock)
        out = worker.result(msg, blobs, slots)
        left = next(find_refs(out), None)
        if left is not None:
            # An object left in the worker would do its work when the check reads it, off the clock.
            raise AssertionError(
                f"the timed function returned {left!r}, an object that stays in the submission's process; "
                "a timed call must return plain data (arrays, tensors, numbers, lists of them), so that all "
                "of its work happens while the clock runs"
            )
        return elapsed, out

    def run_reference(inputs):
        with frozen():  # stopped before the clock starts, resumed after it stops
            start = _clock()
            out = reference(*inputs, **reference_kwargs)
            compute = _clock() - start
        echo_frame, _ = worker.pack("echo", [list(inputs)], {"reply_bytes": _blob_bytes(out)})
        return compute + echo.round_trip(echo_frame), out

    runs = _speed.Runs(
        warm=warm,
        submission=run_submission,
        reference=run_reference,
        inputs_after=lambda inputs: worker.request("last_args"),
    )
    return _speed.measure(
        task_id, speed, runs, make_inputs, check, repeats=repeats, warmup=warmup, seed=seed + secrets.randbelow(2**30)
    )
