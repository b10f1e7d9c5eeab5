"""The pytest plugin that turns a normal gradekit run into grade mode (``-p gradekit.grade.plugin``).

`gradekit grade` runs pytest on the course's own tests (visible and hidden) in a trusted process
with this plugin loaded and ``$GRADEKIT_GRADE`` naming a :class:`gradekit.sandbox.parent.session.GradeConfig`.
It then:

- makes ``gradekit.submission()`` return sandboxed proxies, probes run where the objects live, and
  the speed fixture use the remote protocol (gradekit.sandbox.parent.timing);
- runs each task's tests one after another, so that one worker serves a task and is killed with
  everything it started as soon as the task's last test is done;
- fails a test during which the worker reported a forbidden call, even if the test caught the error;
- gives each task one time budget for the whole grading, and each submission module one import
  (gradekit.sandbox.parent.session);
- with a budget for the whole submission (``gradekit grade --budget``), gives each question a share
  of it as the question starts, and fails the tests it has no time left for at once ("not graded"),
  so that pytest finishes and writes its reports before the budget is over;
- replaces the failure message of a hidden test by one that shows neither its code nor its values;
- ends every worker and the sandbox before any report is written.
"""

from __future__ import annotations

import contextlib
import os
import signal
import threading
import time

import pytest

from gradekit.harness import backend, guard, timeouts
from gradekit.harness import plugin as harness_plugin
from gradekit.sandbox.parent.proxies import BudgetRanOut
from gradekit.sandbox.parent.session import GradeConfig, Session
from gradekit.sandbox.parent.timing import make_compare

ENV_CONFIG = "GRADEKIT_GRADE"
SESSION = pytest.StashKey[Session]()
LAST_OF_TASK = pytest.StashKey[dict]()
TEST_COUNTS = pytest.StashKey[dict]()  # task id -> how many of its tests run
SHARES = pytest.StashKey["TimeShares"]()


def pytest_configure(config: pytest.Config) -> None:
    path = os.environ.get(ENV_CONFIG)
    if not path:
        raise pytest.UsageError(f"gradekit.grade.plugin needs ${ENV_CONFIG} (use `gradekit grade`)")
    session = Session(GradeConfig.load(path))
    config.stash[SESSION] = session
    backend.use(SandboxBackend(session))


class SandboxBackend:
    """The harness's backend in grade mode: the student's objects live in sandboxed workers.

    Submissions are proxies (gradekit.sandbox.parent.proxies), probes run in the worker that holds
    the objects, speed tasks are timed by the parent's clock (gradekit.sandbox.parent.timing), and
    the do-it-yourself guard runs in the workers (gradekit.sandbox.worker.tamper): a guard here
    would only slow down this process and the reference timed in it.
    """

    guards_in_process = False

    def __init__(self, session: Session):
        self.session = session
        self._compare = make_compare(session)

    def submission(self, name: str):
        return self.session.submission(name)

    def run_probe(self, fn, args, kwargs):
        return self.session.dispatch_probe(fn, args, kwargs)

    def speed_compare(self):
        return self._compare


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(session: pytest.Session, config: pytest.Config, items: list[pytest.Item]) -> None:
    """Keep each task's tests together (in task order), so one worker per task is enough."""

    def task_key(item):
        task = item.stash.get(harness_plugin.TASK, None)
        if task is None:
            return (1, 0, 0)
        return (0, int(task.question[1:]), task.number)

    items.sort(key=task_key)  # stable: visible before hidden within a task, as collected
    last: dict[str, str] = {}
    counts: dict[str, int] = {}
    for item in items:
        task = item.stash.get(harness_plugin.TASK, None)
        if task is not None:
            last[task.id] = item.nodeid
            counts[task.id] = counts.get(task.id, 0) + 1
    config.stash[LAST_OF_TASK] = last
    config.stash[TEST_COUNTS] = counts


class TimeShares:
    """The submission's budget divided among its questions in proportion to their limits.

    A question's weight is what its tasks may take without a budget (per-test limit x tests, or
    --timeout per task). Its share is fixed when its first test starts, as that weight's part of
    the time left over the questions not started yet: a question that finishes early leaves its
    unused time to the later ones, and none can take the time of those after it.
    """

    def __init__(self, deadline: float | None, weights: dict[str, float]):
        self.deadline = deadline
        self.weights = weights
        self.cutoffs: dict[str, float] = {}

    def cutoff(self, question: str) -> float | None:
        """The time.monotonic() at which ``question`` runs out (None without a budget)."""
        if self.deadline is None:
            return None
        if question not in self.cutoffs:
            waiting = sum(w for q, w in self.weights.items() if q not in self.cutoffs or q == question)
            now = time.monotonic()
            part = self.weights.get(question, 0.0) / waiting if waiting > 0 else 1.0
            self.cutoffs[question] = min(now + max(self.deadline - now, 0.0) * part, self.deadline)
        return self.cutoffs[question]


def _task_seconds(config: pytest.Config, task) -> float:
    """A task's budget for the whole grading: --timeout when given, else its tests' per-test limits added up."""
    given = config.stash[SESSION].config.task_timeout
    if given:
        return given
    return harness_plugin.test_time_limit(config, task) * config.stash[TEST_COUNTS].get(task.id, 1)


def _import_limit(config: pytest.Config, task) -> float:
    """How long a module a test of ``task`` first needs may take to import: one test's limit."""
    return config.stash[SESSION].config.task_timeout or harness_plugin.test_time_limit(config, task)


@pytest.hookimpl(trylast=True)  # after the harness's, which fills the ledger test_time_limit reads
def pytest_collection_finish(session: pytest.Session) -> None:
    """Start the sandbox before the first test, so its start-up counts against no task's time;
    then divide what is left of the submission's budget among the questions."""
    config = session.config
    grading = config.stash[SESSION]
    if session.items:
        grading.start()
    weights: dict[str, float] = {}
    for task in {t.id: t for t in (i.stash.get(harness_plugin.TASK, None) for i in session.items) if t}.values():
        weights[task.question] = weights.get(task.question, 0.0) + _task_seconds(config, task)
    config.stash[SHARES] = TimeShares(grading.config.deadline, weights)


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item: pytest.Item) -> None:
    task = item.stash.get(harness_plugin.TASK, None)
    if task is not None:
        config = item.config
        session = config.stash[SESSION]
        cutoff = config.stash[SHARES].cutoff(task.question)
        if cutoff is not None and task.question not in session.facts["time_shares"]:
            session.facts["time_shares"][task.question] = round(cutoff - time.monotonic(), 2)
        session.begin(task, _task_seconds(config, task), _import_limit(config, task), cutoff)
        session.violations.clear()  # a forbidden call costs the test it happened in


@contextlib.contextmanager
def _alarm_by(cutoff: float | None):
    """Bring the test's alarm (the harness's per-test limit) forward to the question's cutoff, so that
    the trusted process's own work in the test stops in time too, not only its waits for the worker."""
    usable = (
        cutoff is not None and hasattr(signal, "setitimer") and threading.current_thread() is threading.main_thread()
    )
    left = signal.getitimer(signal.ITIMER_REAL)[0] if usable else 0.0
    if left > 0:  # only while the harness's handler is in place: SIGALRM's default would end pytest
        signal.setitimer(signal.ITIMER_REAL, max(min(left, cutoff - time.monotonic()), 0.001))
    yield


@pytest.hookimpl(wrapper=True, trylast=True)  # innermost: inside the harness's per-test alarm
def pytest_runtest_call(item: pytest.Item):
    """A test whose question has no time left fails at once, before it runs; one the cutoff
    interrupts is not graded either; a forbidden call fails the test even if the test caught it."""
    session = item.config.stash[SESSION]
    task = item.stash.get(harness_plugin.TASK, None)
    cutoff = session.budget.cutoff if task is not None else None
    if task is not None and session.budget.cut_off:
        raise BudgetRanOut()
    try:
        with _alarm_by(cutoff):
            result = yield
    except timeouts.TaskTimeout as exc:
        if cutoff is not None and time.monotonic() >= cutoff and not isinstance(exc, BudgetRanOut):
            raise BudgetRanOut() from exc
        raise
    if session.violations:  # counts even when the test swallowed the exception the call raised
        raise guard.ForbiddenCallError(session.violations[0])
    return result


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_protocol(item: pytest.Item, nextitem):
    yield
    task = item.stash.get(harness_plugin.TASK, None)
    if task is not None and item.config.stash[LAST_OF_TASK].get(task.id) == item.nodeid:
        item.config.stash[SESSION].end()


@pytest.hookimpl(tryfirst=True)
def pytest_sessionfinish(session: pytest.Session, exitstatus) -> None:
    """All workers and the sandbox are gone before the terminal summary writes any report."""
    session.config.stash[SESSION].shutdown()
