"""Speed targets in grade mode: the parent's clock, the same message round trip on both sides.

For every timed repeat the parent draws fresh inputs and encodes them before its clock starts.
The submission's time runs from sending the request (inputs included) to receiving the complete
encoded result, so nothing can be computed before the inputs arrive, nothing can be left to finish
after the answer, and no clock in the worker matters. The reference runs here, in the trusted
process; its time is its computation plus one round trip to a trusted echo worker (no student
code) that receives the same request bytes and answers with as many bytes as the reference's
encoded output: both sides pay the same transport. Each output is checked against the
reference's output for the same input, and the worker's copy of the inputs is read back (off the
clock) to reject a submission that modifies its inputs, as gradekit.harness.speed does in-process.
The seeds given to ``make_inputs`` get a secret random offset per grading: the inputs keep their
shapes and distribution, but a submission cannot precompute answers for the seeds it can read in
gradekit's source.
"""
from __future__ import annotations

import copy
import secrets
import socket
import statistics
import subprocess
import sys
import time

from gradekit.sandbox.parent import launch as sandbox
from gradekit.harness import speed as _speed
from gradekit.sandbox import wire
from gradekit.sandbox.parent.proxies import RemoteRef

_clock = _speed._clock  # perf_counter_ns, bound before any submission existed


class EchoWorker:
    """A trusted process that decodes what it is sent and answers with the number of bytes asked."""

    def __init__(self):
        mine, theirs = socket.socketpair()
        self.proc = subprocess.Popen([sys.executable, "-I", "-m", "gradekit.sandbox.worker", "echo", "--fd",
                                      str(theirs.fileno())], pass_fds=[theirs.fileno()],
                                     env=sandbox.clean_env("/tmp", "/tmp"), stdin=subprocess.DEVNULL,
                                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
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
    """A function with gradekit.harness.speed.compare's signature, for the plugin's SPEED_COMPARE hook."""

    def compare(task_id, speed, submission, reference, make_inputs, check, *, kwargs=None,
                reference_kwargs=None, repeats: int = 5, warmup: int = 1, seed: int = 0):
        __tracebackhide__ = True
        if not isinstance(submission, RemoteRef):
            # A wrapper around submission calls: timed in-process (the round trips count against it).
            return _speed.compare(task_id, speed, submission, reference, make_inputs, check, kwargs=kwargs,
                                  reference_kwargs=reference_kwargs, repeats=repeats, warmup=warmup, seed=seed)
        if session.echo is None:
            session.echo = EchoWorker()
        return _compare(session.echo, task_id, speed, submission, reference, make_inputs, check,
                        kwargs or {}, reference_kwargs or {}, repeats, warmup, seed)

    return compare


def _compare(echo, task_id, speed, submission, reference, make_inputs, check, kwargs, reference_kwargs,
             repeats, warmup, seed):
    __tracebackhide__ = True
    worker = submission._worker
    seed += secrets.randbelow(2**30)
    threads, restore = _speed._pin_threads()
    sub_ns, ref_ns = [], []
    try:
        for i in range(warmup):
            inputs = make_inputs(seed + 1000 + i)
            worker.request("speed_call", submission, list(inputs), kwargs)
            reference(*copy.deepcopy(inputs), **reference_kwargs)
        for r in range(repeats):
            inputs = make_inputs(seed + r)
            before = copy.deepcopy(inputs)
            ref_inputs = copy.deepcopy(inputs)
            frame, slots = worker.pack("speed_call", [submission, list(inputs), kwargs])

            def run_submission():
                msg, blobs, elapsed = worker.exchange(frame, clock=_clock)
                return elapsed, worker.result(msg, blobs, slots)

            def run_reference():
                start = _clock()
                out = reference(*ref_inputs, **reference_kwargs)
                compute = _clock() - start
                echo_frame, _ = worker.pack("echo", [list(inputs)], {"reply_bytes": _blob_bytes(out)})
                return compute + echo.round_trip(echo_frame), out

            if r % 2 == 0:  # alternate which goes first, as gradekit.harness.speed does
                t_sub, out = run_submission()
                t_ref, ref_out = run_reference()
            else:
                t_ref, ref_out = run_reference()
                t_sub, out = run_submission()
            if not _speed._same(list(before), worker.request("last_args")):
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
    return _speed.SpeedResult(task_id=task_id, ratio=ratio, submission_ms=sub_ms, reference_ms=ref_ms,
                              target=speed.target, floor=speed.floor, fraction=speed.fraction(ratio),
                              repeats=repeats, threads=threads, reference=speed.reference)
