"""Where the code under test runs: the one switch between a local run and grade mode.

The harness and the probes never decide this themselves; they ask the active backend:

- ``submission(name)``: the object a test gets from ``gradekit.submission("q1.conv")``;
- ``run_probe(fn, args, kwargs)``: run a probe where the student's objects live;
- ``speed_compare()``: the function that times a speed task (``gradekit.harness.speed.compare``'s
  signature);
- ``guards_in_process``: whether the do-it-yourself guard watches this process, or the code under
  test runs elsewhere and is watched there.

``pytest assignments/qN`` keeps :class:`InProcess`. ``gradekit grade`` installs its sandbox backend
once, when its pytest plugin is configured (:mod:`gradekit.grade.plugin`), and nothing else in the
harness changes: no other module-level switch, no key written into another plugin's stash.
"""

from __future__ import annotations

from typing import Callable, Protocol

from gradekit.harness import importer


class Backend(Protocol):
    guards_in_process: bool

    def submission(self, name: str): ...

    def run_probe(self, fn: Callable, args: tuple, kwargs: dict): ...

    def speed_compare(self) -> Callable: ...


class InProcess:
    """The student's code runs in the test process itself: right for learning, not for grading."""

    guards_in_process = True

    def submission(self, name: str) -> importer.LazyModule:
        return importer.LazyModule(name)

    def run_probe(self, fn: Callable, args: tuple, kwargs: dict):
        return fn(*args, **kwargs)

    def speed_compare(self) -> Callable:
        from gradekit.harness import speed  # numpy and the clock only when a speed task runs

        return speed.compare


_active: Backend = InProcess()


def use(backend: Backend | None) -> None:
    """Make ``backend`` the one every later question asks (None restores :class:`InProcess`)."""
    global _active
    _active = backend if backend is not None else InProcess()


def active() -> Backend:
    return _active


def submission(name: str):
    """The student's module ``name`` ('q1.conv' is q1/conv.py) from the folder under test."""
    return _active.submission(name)


def reference(name: str) -> importer.LazyModule:
    """The reference solution's module, for hidden tests on the instructor's side only.

    Always in this process: references are the course's own trusted code, never the student's.
    """
    return importer.reference(name)
