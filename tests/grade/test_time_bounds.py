"""Grading time is bounded: a hanging import is waited for once, a task's allowance is one for the
whole grading, and --budget / GRADEKIT_BUDGET cut a submission off with all reports written."""

from __future__ import annotations

import shutil
import time
import xml.etree.ElementTree as ET

import pytest

from gradekit.grade import grade as grading
from gradekit.grade.plugin import TimeShares
from gradekit.sandbox.parent.session import GradeConfig, Session

from .conftest import COURSE

LOOP = "\n\nwhile True:  # the commonest accident: a loop left at module level\n    pass\n"


def submission_with(tmp_path, changes: dict[str, str]):
    """The fixture's reference solutions with ``changes`` ({"q1/arith.py": text to append}) made."""
    sub = tmp_path / "submission"
    shutil.copytree(COURSE / "solutions", sub, ignore=shutil.ignore_patterns("hidden"))
    for rel, tail in changes.items():
        path = sub / rel
        path.write_text(path.read_text() + tail)
    return sub


@pytest.mark.slow
def test_a_module_that_hangs_at_import_is_waited_for_once(grade, tmp_path):
    sub = submission_with(tmp_path, {"q1/arith.py": LOOP, "q2/signal1d.py": LOOP})
    graded = grade(sub, questions=["q1", "q2", "q3"], timeout=3)
    assert graded.returncode == 0, graded.explain()
    for task in ("q1.1", "q1.2", "q1.3"):
        assert graded.points(task) == 0, graded.explain()
        assert "q1/arith.py did not finish importing within 3 s (an infinite loop" in graded.tasks[task]["output"]
    for task in ("q2.1", "q2.2"):
        assert "q2/signal1d.py did not finish importing within 3 s" in graded.tasks[task]["output"]
    for task in ("q3.1", "q3.2"):  # a question whose modules import is graded as usual
        assert graded.points(task) == graded.tasks[task]["max_score"], graded.explain()
    extra = graded.results["extra_data"]
    assert extra["hung_imports"] == {"q1.arith": 3, "q2.signal1d": 3}
    # The first test that needs the module waits for it in a worker; no later test starts one.
    assert extra["workers"]["q1.1"]["workers"] == 1, extra["workers"]
    assert extra["workers"]["q1.2"]["workers"] == 0 and extra["workers"]["q1.3"]["workers"] == 0, extra["workers"]
    assert extra["workers"]["q2.2"]["workers"] == 0, extra["workers"]
    assert "q1/arith.py did not finish importing within 3 s" in graded.results["output"]


@pytest.mark.slow
def test_a_budget_that_runs_out_still_writes_every_report_with_the_finished_points(grade, tmp_path):
    # q1.1's function never returns; its task limit (20 s a test) is far beyond the budget.
    hang = "\n\ndef add(a, b):  # replaces the solution's\n    while True:\n        pass\n"
    sub = submission_with(tmp_path, {"q1/arith.py": hang})
    budget = 20.0
    started = time.monotonic()
    graded = grade(sub, questions=["q1", "q2"], env={"GRADEKIT_BUDGET": str(budget)})
    took = time.monotonic() - started
    assert graded.returncode == 0, graded.explain()
    assert took < budget + 15, f"grading took {took:.1f} s with a budget of {budget:g} s"
    q1 = graded.tasks["q1.1"]
    assert q1["score"] == 0 and q1["output"].startswith("not graded"), graded.explain()
    assert "time budget ran out" in q1["output"]
    for task in ("q2.1", "q2.2"):  # the next question gets its own share and finishes in it
        assert graded.points(task) == graded.tasks[task]["max_score"], graded.explain()
    extra = graded.results["extra_data"]
    assert extra["budget_seconds"] == budget and set(extra["time_shares"]) == {"q1", "q2"}
    assert "the time budget of 20 s ran out; not graded: q1.1" in graded.results["output"]
    cases = {c.get("name"): c for c in ET.parse(graded.out / "junit.xml").getroot().iter("testcase")}
    assert any("q2.1" in name for name in cases), list(cases)
    rows = (graded.out / "score.csv").read_text().splitlines()
    assert any(row.startswith("q1.1,") or ",q1.1," in row for row in rows), rows


def test_budget_comes_from_the_option_then_the_environment(monkeypatch):
    monkeypatch.delenv(grading.ENV_BUDGET, raising=False)
    assert grading.budget_seconds(None) is None
    monkeypatch.setenv(grading.ENV_BUDGET, "540")
    assert grading.budget_seconds(None) == 540.0
    assert grading.budget_seconds(60.0) == 60.0  # the command line wins


@pytest.mark.parametrize(("given", "env", "named"), [(None, "ten", "GRADEKIT_BUDGET='ten'"), (-5.0, "", "-5")])
def test_a_budget_that_is_not_a_positive_number_is_refused_by_name(monkeypatch, given, env, named):
    monkeypatch.setenv(grading.ENV_BUDGET, env)
    with pytest.raises(ValueError, match="budget|seconds") as info:
        grading.budget_seconds(given)
    assert named in str(info.value)


def test_questions_share_what_is_left_in_proportion_to_their_limits(monkeypatch):
    now = [1000.0]
    monkeypatch.setattr(time, "monotonic", lambda: now[0])
    shares = TimeShares(deadline=1040.0, weights={"q1": 10.0, "q2": 30.0})
    assert shares.cutoff("q1") == pytest.approx(1010.0)
    now[0] = 1002.0  # q1 finished early: q2 gets what q1 left
    assert shares.cutoff("q2") == pytest.approx(1040.0)
    assert shares.cutoff("q1") == pytest.approx(1010.0)  # fixed once given
    assert TimeShares(None, {"q1": 1.0}).cutoff("q1") is None


class _Task:
    def __init__(self, task_id):
        self.id, self.question = task_id, task_id.split(".")[0]


def test_a_task_whose_tests_come_back_keeps_the_allowance_it_had(tmp_path):
    session = Session(GradeConfig(staged=str(tmp_path), course_root=str(tmp_path)))
    first, other = _Task("q1.1"), _Task("q1.2")
    session.begin(first, 10.0)
    session.budget.spend(7.5)  # its visible tests used 7.5 s
    session.begin(other, 10.0)
    session.begin(first, 10.0)  # its hidden tests, in another file
    assert session.budget.left == pytest.approx(2.5)


def test_a_function_that_ran_out_of_time_gets_a_short_limit_in_later_tasks(tmp_path, monkeypatch):
    from gradekit.harness.timeouts import TaskTimeout
    from gradekit.sandbox.parent import proxies

    monkeypatch.setattr(proxies, "HUNG_RETRY_SECONDS", 1.0)
    staged = tmp_path / "staged"
    shutil.copytree(COURSE / "solutions" / "q1", staged / "q1", ignore=shutil.ignore_patterns("hidden"))
    arith = staged / "q1" / "arith.py"
    arith.write_text(arith.read_text() + "\n\ndef add(a, b):\n    while True:\n        pass\n")
    staged.chmod(0o755)
    session = Session(GradeConfig(staged=str(staged), course_root=str(COURSE)))
    session.start()
    try:
        module = session.submission("q1.arith")
        first, other = _Task("q1.1"), _Task("q1.2")
        for task in (first, other):
            task.forbid = []
        session.begin(first, 3.0)
        with pytest.raises(TaskTimeout, match="time limit of 3 s ran out"):
            module.add(1.0, 2.0)
        session.begin(other, 60.0)  # another task calls the same function
        started = time.monotonic()
        with pytest.raises(TaskTimeout, match=r"q1\.arith\.add did not return within 1 s: it ran out of time in q1\.1"):
            module.add(1.0, 2.0)
        assert time.monotonic() - started < 10, "the second wait was not the short one"
        assert module.scale(2.0, 3.0) == 6.0  # the other functions keep their whole limit
        assert session.facts["hung_calls"] == {"q1.arith.add": "q1.1"}
    finally:
        session.shutdown()


def test_a_grading_killed_from_outside_leaves_no_work_folder(tmp_path):
    import os
    import signal
    import subprocess
    import sys
    import tempfile
    from pathlib import Path

    sub = submission_with(tmp_path, {"q1/arith.py": LOOP})
    env = dict(os.environ, GRADEKIT_COURSE=str(COURSE), TMPDIR=str(tmp_path / "tmp"))
    (tmp_path / "tmp").mkdir()
    args = [sys.executable, "-m", "gradekit", "grade", str(sub), "--out", str(tmp_path / "out"), "--questions", "q1"]
    proc = subprocess.Popen(args, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while not list((tmp_path / "tmp").glob("gradekit-grade-*")) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert list((tmp_path / "tmp").glob("gradekit-grade-*")), "the grading never made its work folder"
    proc.send_signal(signal.SIGTERM)  # what a CI job's cancel sends
    proc.wait(timeout=60)
    assert not list((tmp_path / "tmp").glob("gradekit-grade-*"))
    # One killed with SIGKILL cannot clean up: the next grading removes what it left.
    stale = tmp_path / "tmp" / "gradekit-grade-stale"
    stale.mkdir()
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    (stale / grading.OWNER_FILE).write_text(str(dead.pid))
    alive = tmp_path / "tmp" / "gradekit-grade-running"
    alive.mkdir()
    (alive / grading.OWNER_FILE).write_text(str(os.getpid()))
    old = tempfile.tempdir
    tempfile.tempdir = str(tmp_path / "tmp")
    try:
        assert grading.remove_stale_work_folders() == [Path(stale)]
    finally:
        tempfile.tempdir = old
    assert alive.is_dir() and not stale.exists()
