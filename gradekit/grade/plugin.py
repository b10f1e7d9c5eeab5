"""The pytest plugin that turns a normal gradekit run into grade mode (``-p gradekit.grade.plugin``).

`gradekit grade` runs pytest on the course's own tests (visible and hidden) in a trusted process
with this plugin loaded and ``$GRADEKIT_GRADE`` naming a :class:`gradekit.sandbox.parent.session.GradeConfig`.
It then:

- makes ``gradekit.submission()`` return sandboxed proxies, probes run where the objects live, and
  the speed fixture use the remote protocol (gradekit.sandbox.parent.timing);
- runs each task's tests one after another, so that one worker serves a task and is killed with
  everything it started as soon as the task's last test is done;
- fails a test during which the worker reported a forbidden call, even if the test caught the error;
- replaces the failure message of a hidden test by one that shows neither its code nor its values;
- ends every worker and the sandbox before any report is written.
"""

from __future__ import annotations

import os

import pytest

from gradekit.harness import backend, guard
from gradekit.harness import plugin as harness_plugin
from gradekit.sandbox.parent.session import GradeConfig, Session
from gradekit.sandbox.parent.timing import make_compare

ENV_CONFIG = "GRADEKIT_GRADE"
SESSION = pytest.StashKey[Session]()
LAST_OF_TASK = pytest.StashKey[dict]()
TEST_SECONDS = pytest.StashKey[dict]()


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
    config.stash[TEST_SECONDS] = counts


def pytest_collection_finish(session: pytest.Session) -> None:
    """Start the sandbox before the first test, so its start-up counts against no task's time."""
    if session.items:
        session.config.stash[SESSION].start()


def _seconds_for(item: pytest.Item, task) -> float:
    """A task's wall-clock budget: its tests' per-test limits added up (or --timeout when given)."""
    per_test = harness_plugin.test_time_limit(item.config, task)
    return per_test * item.config.stash[TEST_SECONDS].get(task.id, 1)


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item: pytest.Item) -> None:
    task = item.stash.get(harness_plugin.TASK, None)
    if task is not None:
        session = item.config.stash[SESSION]
        session.begin(task, _seconds_for(item, task))
        session.violations.clear()  # a forbidden call costs the test it happened in


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item: pytest.Item):
    result = yield
    violations = item.config.stash[SESSION].violations
    if violations:  # counts even when the test swallowed the exception the call raised
        raise guard.ForbiddenCallError(violations[0])
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
