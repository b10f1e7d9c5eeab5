"""A task's time allowance in grade mode: one for the whole grading, spent only while the trusted
process waits for the task's worker."""

from __future__ import annotations

import time


class Budget:
    """A task's wall-clock allowance for the whole grading, spent only while the parent waits for the
    task's worker (the parent's own work, such as importing what a test needs, is not the student's
    time). ``cutoff`` is the time.monotonic() at which the task's question runs out of the
    submission's budget (None without ``--budget``): no wait goes past it."""

    def __init__(self, seconds: float, cutoff: float | None = None):
        self.seconds = seconds
        self.left = seconds
        self.cutoff = cutoff

    def deadline(self, limit: float | None = None) -> tuple[float, str]:
        """When the next wait must end, and why: "task" (its budget), "limit" (the request's own
        limit) or "cutoff" (the submission's budget), whichever comes first."""
        now = time.monotonic()
        ends = [(now + max(self.left, 0.0), "task")]
        if limit is not None:
            ends.append((now + limit, "limit"))
        if self.cutoff is not None:
            ends.append((self.cutoff, "cutoff"))
        return min(ends)

    def spend(self, seconds: float) -> None:
        self.left -= seconds

    @property
    def exhausted(self) -> bool:
        return self.left <= 0

    @property
    def cut_off(self) -> bool:
        """Has the submission's budget run out for this task's question?"""
        return self.cutoff is not None and time.monotonic() >= self.cutoff
