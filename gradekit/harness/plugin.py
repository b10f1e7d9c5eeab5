"""gradekit's pytest plugin: tasks and points, the three folders under test, speed targets, the scoreboard, reports.

Registered through the ``pytest11`` entry point (and from the repository's conftest.py before
installation). It stays out of the way of any test that carries no ``task`` marker.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
from pathlib import Path

import pytest

from gradekit.course import locate, questions
from gradekit.harness import backend, figures, guard, html_report, importer, ledger, reports, scoreboard, timeouts

LEDGER = pytest.StashKey["ledger.Ledger"]()
TASK = pytest.StashKey["questions.Task"]()
SPEED = pytest.StashKey[list]()
AGAINST_LABEL = pytest.StashKey[str]()
FIGURES = pytest.StashKey[dict]()  # task id -> the figures its visible tests found (harness.figures)
ENV_TIMEOUT = timeouts.ENV_TIMEOUT


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("gradekit", "gradekit grading")
    group.addoption(
        "--against",
        metavar="TARGET",
        default=None,
        help="code under test: 'assignments' (default), 'solutions', or a path to a copy of "
        "assignments/ or a repository containing one",
    )
    group.addoption(
        "--task",
        metavar="ID",
        action="append",
        default=[],
        help="run only this task (e.g. q3.2) or question (q3); repeatable, or comma-separated",
    )
    group.addoption(
        "--with-hidden",
        action="store_true",
        default=False,
        help="also run solutions/qN/hidden tests of the questions given (instructors only)",
    )
    group.addoption(
        "--gradekit-json", metavar="FILE", default=None, help="write Gradescope's results.json schema to FILE"
    )
    group.addoption("--gradekit-csv", metavar="FILE", default=None, help="write one CSV row per task to FILE")
    group.addoption(
        "--gradekit-html",
        metavar="FILE",
        default=None,
        help="write a report page to FILE: every message in full, speed bars, the figures the code saved, the protections",
    )
    group.addoption(
        "--gradekit-timeout",
        metavar="S",
        type=float,
        default=None,
        help=f"seconds per test unless its task sets one (env {ENV_TIMEOUT}; default {timeouts.DEFAULT_SECONDS:g})",
    )
    group.addoption("--no-scoreboard", action="store_true", default=False, help="do not print the scoreboard")


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "task(id): the gradekit task (qN.k) this test earns points for")
    config.stash[LEDGER] = ledger.Ledger()
    config.stash[FIGURES] = {}
    against = config.getoption("--against")
    root = Path(config.rootpath)
    try:
        if (root / "assignments").is_dir() or against not in (None, "assignments"):
            folder = locate.resolve_under_test(against, root)
            importer.set_under_test(folder, course_root=root)
        else:
            importer.set_under_test(None)
    except locate.LocateError as exc:
        raise pytest.UsageError(str(exc)) from None
    config.stash[AGAINST_LABEL] = against or "assignments"
    if config.getoption("--with-hidden"):
        _add_hidden_tests(config, root)


def _add_hidden_tests(config: pytest.Config, root: Path) -> None:
    """For every question folder named on the command line, add solutions/qN/hidden as well."""
    extra = []
    for arg in config.args:
        path = Path(arg.split("::")[0])
        path = path if path.is_absolute() else Path(config.invocation_params.dir) / path
        qdirs = (
            [path]
            if questions.QUESTION_RE.match(path.name)
            else (questions.question_folders(path) if path.is_dir() and path.name == "assignments" else [])
        )
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


def _question_for(config: pytest.Config, item: pytest.Item, task_id: str) -> questions.Question:
    qid = questions.question_id_of(task_id)
    # The task table lives beside the visible tests; hidden tests use the same one.
    for folder in Path(item.path).parents:
        if folder.name == qid and (folder / "tasks.toml").is_file():
            return questions.load_question(folder)
    return questions.load_question(Path(config.rootpath) / "assignments" / qid)


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


# What Python says when a test imports a question's probes or checks the gradekit in use lacks.
_MISSING_LAYER = re.compile(r"No module named '(gradekit\.(probes|checks)\.(q\d+))'")


@pytest.hookimpl(wrapper=True)
def pytest_make_collect_report(collector: pytest.Collector):
    """A test module importing ``gradekit.probes.qN`` or ``gradekit.checks.qN`` that does not exist:
    say where that file must be. The usual cause is writing it in one checkout of gradekit while
    pytest imports another (an installed copy), and Python's message names neither."""
    report = yield
    found = _MISSING_LAYER.search(str(report.longrepr)) if report.failed else None
    if found:
        import gradekit

        module, layer, question = found.groups()
        package = Path(gradekit.__file__).parent
        report.longrepr = (
            f"{collector.nodeid} imports {module}, which the gradekit in use does not have: create "
            f"{package / layer / question}.py (a question's {layer} live in the gradekit package, "
            f"see docs/authoring.md). If you wrote it in another checkout of gradekit, install that "
            f"one: pip install --no-build-isolation -e <that checkout>."
        )
    return report


def pytest_collection_finish(session: pytest.Session) -> None:
    """The ledger expects exactly the tests that will run, after -k, -m and --task."""
    book = session.config.stash[LEDGER]
    for item in session.items:
        task = item.stash.get(TASK, None)
        if task is not None:
            question = _question_for(session.config, item, task.id)
            book.expect(item.nodeid, question, task)


def test_time_limit(config: pytest.Config, task: questions.Task) -> float:
    """Seconds one test of ``task`` may run in this session (see :func:`timeouts.limit_for`)."""
    question = config.stash[LEDGER].questions.get(task.question)
    return timeouts.limit_for(task, question, config.getoption("--gradekit-timeout"))


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item: pytest.Item):
    task = item.stash.get(TASK, None)
    if task is None:
        return (yield)
    guarded = task.forbid and backend.active().guards_in_process
    watch = guard.Guard(task.id, task.forbid) if guarded else contextlib.nullcontext()
    try:
        with timeouts.time_limit(test_time_limit(item.config, task), task.id), watch:
            result = yield
    except BaseException as exc:
        if guarded and watch.violations:
            raise guard.ForbiddenCallError(watch.violations[0]) from exc
        raise
    if guarded and watch.violations:
        raise guard.ForbiddenCallError(watch.violations[0])
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
    elif report.when == "call" and "tmp_path" in getattr(item, "funcargs", {}):
        # What the submission saved where the test asked it to: the report shows it.
        found = figures.collect(item.funcargs["tmp_path"], item.name)
        item.config.stash[FIGURES].setdefault(task.id, []).extend(found)
    book.record(item.nodeid, verdict)
    item.user_properties.append(("gradekit_task", task.id))
    if report.failed:
        short = _short_report(task, verdict, call)
        if short is not None:
            report.longrepr = short
    return report


def _short_report(task: questions.Task, verdict: ledger.Verdict, call: pytest.CallInfo) -> str | None:
    """Replace tracebacks that would only show gradekit's or a stub's internals with what matters."""
    if verdict.kind == "not-implemented":
        return f"{task.id} {verdict.message}"
    if verdict.kind in ("missing", "forbidden"):
        return f"{verdict.message}" if verdict.message.startswith(task.id) else f"{task.id}: {verdict.message}"
    if verdict.kind == "import-error" and call.excinfo is not None:
        cause = call.excinfo.value.__cause__
        files = importer.submission_files()
        lines = [f"{task.id}: {verdict.message}"]
        if cause is not None:
            import traceback

            frames = [f for f in traceback.extract_tb(cause.__traceback__) if f.filename in files]
            lines += traceback.format_list(frames)
            lines += traceback.format_exception_only(type(cause), cause)
        return "\n".join(line.rstrip("\n") for line in lines)
    return None


def _verdict(item: pytest.Item, call: pytest.CallInfo, report) -> ledger.Verdict:
    speeds = item.stash.get(SPEED, [])
    speed = speeds[0] if speeds else None
    if report.passed:
        fraction = min((s.fraction for s in speeds), default=1.0)
        return ledger.Verdict("passed", "ok", "" if fraction >= 1 else speed.note(), fraction, speed)
    if report.skipped:
        reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else str(report.longrepr)
        return ledger.Verdict("skipped", "skipped", ledger.one_line(f"skipped: {reason}"), 0.0, speed)
    if call.excinfo is not None:
        verdict = ledger.classify(call.excinfo.value, importer.submission_files())
    else:
        verdict = ledger.Verdict("failed", "error", "failed")
    if report.when == "setup":
        verdict.message = ledger.one_line(f"could not set up the test: {verdict.message}")
    elif report.when == "teardown":
        verdict.message = ledger.one_line(f"failed while cleaning up: {verdict.message}")
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
    label = config.stash[AGAINST_LABEL]
    if not config.getoption("--no-scoreboard"):
        tw = terminalreporter
        tw.write_line("")
        scoreboard.render(results, tw.write_line, label, width=min(tw._tw.fullwidth, 120))
    extra = {"target": label, "interrupted": exitstatus == pytest.ExitCode.INTERRUPTED}
    found = config.stash[FIGURES]
    if config.getoption("--gradekit-json"):
        # With the figures' bytes: grade mode's pytest hands them to `gradekit grade` this way.
        report = figures.attach(reports.gradescope(results, against=label, extra=extra), found)
        reports.atomic_write(Path(config.getoption("--gradekit-json")), json.dumps(report, indent=2) + "\n")
    if config.getoption("--gradekit-csv"):
        reports.write_csv(Path(config.getoption("--gradekit-csv")), results)
    if config.getoption("--gradekit-html"):
        path = Path(config.getoption("--gradekit-html")).resolve()
        # Links to each question's README, relative to where the page is written.
        readme = os.path.relpath(config.rootpath / "assignments", path.parent) + "/{q}/README.md"
        report = figures.attach(reports.gradescope(results, against=label, extra=extra), found)
        page = html_report.render(report, readme=readme)
        reports.atomic_write(path, page)
