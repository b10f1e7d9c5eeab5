"""gradekit's pytest plugin: tasks and points, the three targets, speed targets, the scoreboard, reports.

Registered through the ``pytest11`` entry point (and from the repository's conftest.py before
installation). It stays out of the way of any test that carries no ``task`` marker.
"""
from __future__ import annotations

import contextlib
from pathlib import Path

import pytest

from gradekit.harness import guard as _guard
from gradekit.harness import ledger as _ledger
from gradekit.course import questions as _questions
from gradekit.harness import reports
from gradekit.harness import scoreboard
from gradekit.harness import backend
from gradekit.course import locate as _targets
from gradekit.harness import importer as _submission
from gradekit.harness import timeouts

LEDGER = pytest.StashKey["_ledger.Ledger"]()
TASK = pytest.StashKey["_questions.Task"]()
SPEED = pytest.StashKey[list]()
TARGET_LABEL = pytest.StashKey[str]()
ENV_TIMEOUT = timeouts.ENV_TIMEOUT


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("gradekit", "gradekit grading")
    group.addoption("--against", metavar="TARGET", default=None,
                    help="code under test: 'assignments' (default), 'solutions', or a path to a copy of "
                         "assignments/ or a repository containing one")
    group.addoption("--task", metavar="ID", action="append", default=[],
                    help="run only this task (e.g. q3.2) or question (q3); repeatable, or comma-separated")
    group.addoption("--with-hidden", action="store_true", default=False,
                    help="also run solutions/qN/hidden tests of the questions given (instructors only)")
    group.addoption("--gradekit-json", metavar="FILE", default=None,
                    help="write Gradescope's results.json schema to FILE")
    group.addoption("--gradekit-csv", metavar="FILE", default=None, help="write one CSV row per task to FILE")
    group.addoption("--gradekit-timeout", metavar="S", type=float, default=None,
                    help=f"seconds per test unless its task sets one (env {ENV_TIMEOUT}; "
                         f"default {timeouts.DEFAULT_SECONDS:g})")
    group.addoption("--no-scoreboard", action="store_true", default=False, help="do not print the scoreboard")


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "task(id): the gradekit task (qN.k) this test earns points for")
    config.stash[LEDGER] = _ledger.Ledger()
    against = config.getoption("--against")
    root = Path(config.rootpath)
    try:
        if (root / "assignments").is_dir() or against not in (None, "assignments"):
            target = _targets.resolve_target(against, root)
            _submission.set_target(target, course_root=root)
        else:
            _submission.set_target(None)
    except _targets.TargetError as exc:
        raise pytest.UsageError(str(exc)) from None
    config.stash[TARGET_LABEL] = against or "assignments"
    if config.getoption("--with-hidden"):
        _add_hidden_tests(config, root)


def _add_hidden_tests(config: pytest.Config, root: Path) -> None:
    """For every question folder named on the command line, add solutions/qN/hidden as well."""
    extra = []
    for arg in config.args:
        path = Path(arg.split("::")[0])
        path = path if path.is_absolute() else Path(config.invocation_params.dir) / path
        qdirs = [path] if _questions.QUESTION_RE.match(path.name) else (
            _questions.question_folders(path) if path.is_dir() and path.name == "assignments" else [])
        for q in qdirs:
            hidden = root / "solutions" / q.name / "hidden"
            if hidden.is_dir() and str(hidden) not in config.args + extra:
                extra.append(str(hidden))
    config.args.extend(extra)


def _task_filter(config: pytest.Config) -> set[str]:
    wanted = set()
    for value in config.getoption("--task"):
        wanted.update(v.strip() for v in value.split(",") if v.strip())
    return wanted


def _question_for(config: pytest.Config, item: pytest.Item, task_id: str) -> _questions.Question:
    qid = _questions.question_id_of(task_id)
    # The task table lives beside the visible tests; hidden tests use the same one.
    for folder in Path(item.path).parents:
        if folder.name == qid and (folder / "tasks.toml").is_file():
            return _questions.load_question(folder)
    return _questions.load_question(Path(config.rootpath) / "assignments" / qid)


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(session: pytest.Session, config: pytest.Config, items: list[pytest.Item]) -> None:
    wanted = _task_filter(config)
    keep, drop = [], []
    for item in items:
        marker = item.get_closest_marker("task")
        if marker is None:
            keep.append(item)
            continue
        if not marker.args or not isinstance(marker.args[0], str):
            raise pytest.UsageError(f"{item.nodeid}: @pytest.mark.task needs a task id like 'q1.2'")
        task_id = marker.args[0]
        try:
            question = _question_for(config, item, task_id)
            task = question.task(task_id)
        except (KeyError, ValueError) as exc:
            raise pytest.UsageError(f"{item.nodeid}: {exc.args[0] if exc.args else exc}") from None
        item.stash[TASK] = task
        # `-m q3_2` selects a task too, as minitorch's task markers do.
        mark = task_id.replace(".", "_")
        config.addinivalue_line("markers", f"{mark}: tests of gradekit task {task_id}")
        item.add_marker(mark)
        if wanted and task_id not in wanted and task.question not in wanted:
            drop.append(item)
        else:
            keep.append(item)
    if drop:
        config.hook.pytest_deselected(items=drop)
        items[:] = keep


def pytest_collection_finish(session: pytest.Session) -> None:
    """The ledger expects exactly the tests that will run, after -k, -m and --task."""
    book = session.config.stash[LEDGER]
    for item in session.items:
        task = item.stash.get(TASK, None)
        if task is not None:
            question = _question_for(session.config, item, task.id)
            book.expect(item.nodeid, question, task)


def test_time_limit(config: pytest.Config, task: _questions.Task) -> float:
    """Seconds one test of ``task`` may run in this session (see :func:`timeouts.limit_for`)."""
    question = config.stash[LEDGER].questions.get(task.question)
    return timeouts.limit_for(task, question, config.getoption("--gradekit-timeout"))


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item: pytest.Item):
    task = item.stash.get(TASK, None)
    if task is None:
        return (yield)
    guarded = task.forbid and backend.active().guards_in_process
    watch = _guard.Guard(task.id, task.forbid) if guarded else contextlib.nullcontext()
    try:
        with timeouts.time_limit(test_time_limit(item.config, task), task.id), watch:
            result = yield
    except BaseException as exc:
        if guarded and watch.violations:
            raise _guard.ForbiddenCallError(watch.violations[0]) from exc
        raise
    if guarded and watch.violations:
        raise _guard.ForbiddenCallError(watch.violations[0])
    return result


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo):
    report = yield
    task = item.stash.get(TASK, None)
    if task is None:
        return report
    book = item.config.stash[LEDGER]
    if report.when == "setup" and report.passed:
        return report
    if report.when == "teardown" and not report.failed:
        return report
    verdict = _verdict(item, call, report)
    if "hidden" in Path(item.path).parts:
        verdict.hidden = item.name
    book.record(item.nodeid, verdict)
    item.user_properties.append(("gradekit_task", task.id))
    if report.failed:
        short = _short_report(task, verdict, call)
        if short is not None:
            report.longrepr = short
    return report


def _short_report(task: _questions.Task, verdict: _ledger.Verdict, call: pytest.CallInfo) -> str | None:
    """Replace tracebacks that would only show gradekit's or a stub's internals with what matters."""
    if verdict.kind == "not-implemented":
        return f"{task.id} {verdict.message}"
    if verdict.kind in ("missing", "forbidden"):
        return f"{verdict.message}" if verdict.message.startswith(task.id) else f"{task.id}: {verdict.message}"
    if verdict.kind == "import-error" and call.excinfo is not None:
        cause = call.excinfo.value.__cause__
        files = _submission.submission_files()
        lines = [f"{task.id}: {verdict.message}"]
        if cause is not None:
            import traceback

            frames = [f for f in traceback.extract_tb(cause.__traceback__) if f.filename in files]
            lines += traceback.format_list(frames)
            lines += traceback.format_exception_only(type(cause), cause)
        return "\n".join(line.rstrip("\n") for line in lines)
    return None


def _verdict(item: pytest.Item, call: pytest.CallInfo, report) -> _ledger.Verdict:
    speeds = item.stash.get(SPEED, [])
    speed = speeds[0] if speeds else None
    if report.passed:
        fraction = min((s.fraction for s in speeds), default=1.0)
        return _ledger.Verdict("passed", "ok", "" if fraction >= 1 else speed.note(), fraction, speed)
    if report.skipped:
        reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else str(report.longrepr)
        return _ledger.Verdict("skipped", "skipped", _ledger.one_line(f"skipped: {reason}"), 0.0, speed)
    if call.excinfo is not None:
        verdict = _ledger.classify(call.excinfo.value, _submission.submission_files())
    else:
        verdict = _ledger.Verdict("failed", "error", "failed")
    if report.when == "setup":
        verdict.message = _ledger.one_line(f"could not set up the test: {verdict.message}")
    elif report.when == "teardown":
        verdict.message = _ledger.one_line(f"failed while cleaning up: {verdict.message}")
    verdict.speed = speed
    return verdict


@pytest.fixture
def speed(request: pytest.FixtureRequest):
    """Compare the submission's speed with a reference: ``speed(submission_fn, reference_fn, ...)``.

    See :func:`gradekit.harness.speed.compare` for the arguments; the task's target and floor come from
    tasks.toml, and the ratio is shown on the scoreboard.
    """
    task = request.node.stash.get(TASK, None)
    if task is None or task.speed is None:
        raise pytest.UsageError(f"{request.node.nodeid}: the speed fixture needs a task with a speed target")
    results = request.node.stash.setdefault(SPEED, [])

    def run(submission, reference, make_inputs, check, **options):
        __tracebackhide__ = True
        compare = backend.active().speed_compare()
        result = compare(task.id, task.speed, submission, reference, make_inputs, check, **options)
        results.append(result)
        return result

    return run


@pytest.fixture
def gradekit_task(request: pytest.FixtureRequest):
    """The task (id, title, points, ...) of the running test."""
    return request.node.stash.get(TASK, None)


def pytest_terminal_summary(terminalreporter, exitstatus, config: pytest.Config) -> None:
    book = config.stash[LEDGER]
    results = book.results()
    if not results:
        return
    label = config.stash[TARGET_LABEL]
    if not config.getoption("--no-scoreboard"):
        tw = terminalreporter
        tw.write_line("")
        scoreboard.render(results, tw.write_line, label, width=min(tw._tw.fullwidth, 120))
    extra = {"target": label, "interrupted": exitstatus == pytest.ExitCode.INTERRUPTED}
    if config.getoption("--gradekit-json"):
        reports.write_gradescope(Path(config.getoption("--gradekit-json")), results, target=label, extra=extra)
    if config.getoption("--gradekit-csv"):
        reports.write_csv(Path(config.getoption("--gradekit-csv")), results)
