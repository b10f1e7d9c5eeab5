"""A wall-clock limit per test for in-process runs (``pytest assignments/qN``).

It interrupts Python code with an exception from SIGALRM, so a student's infinite loop costs one
task, not the session. Code stuck inside C is not interrupted here; ``gradekit grade`` kills the
worker process instead.
"""

from __future__ import annotations

import contextlib
import os
import signal
import threading

DEFAULT_SECONDS = 120.0
ENV_TIMEOUT = "GRADEKIT_TIMEOUT"


class TaskTimeout(Exception):
    """The test ran past its task's time limit."""


def limit_for(task, question, option: float | None = None) -> float:
    """Seconds one test of ``task`` may run: the task's own limit, else its question's, else
    ``--gradekit-timeout`` (``option``), else $GRADEKIT_TIMEOUT, else :data:`DEFAULT_SECONDS`."""
    if task.timeout:
        return task.timeout
    if question is not None and question.timeout:
        return question.timeout
    if option:
        return option
    if os.environ.get(ENV_TIMEOUT):
        return float(os.environ[ENV_TIMEOUT])
    return DEFAULT_SECONDS


@contextlib.contextmanager
def time_limit(seconds: float | None, task_id: str):
    usable = (
        seconds
        and seconds > 0
        and hasattr(signal, "setitimer")
        and threading.current_thread() is threading.main_thread()
    )
    if not usable:
        yield
        return

    def on_alarm(signum, frame):
        raise TaskTimeout(f"{task_id} timed out after {seconds:g} s (an infinite loop, or far too slow?)")

    old = signal.signal(signal.SIGALRM, on_alarm)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, old)
