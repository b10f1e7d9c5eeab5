"""Every cheat in cases/ scores 0 on the task it attacks, in grade mode, and costs nothing else."""

from __future__ import annotations

import json
import os
import shutil
import socket
import threading
import time
from pathlib import Path

import pytest

from gradekit.sandbox.parent import launch as sandbox

from ..grade.conftest import COURSE, run_grade
from .conftest import build_submission, load_case


@pytest.fixture(scope="module")
def local_server():
    """A TCP server on localhost that answers b"ok": reaching it would prove the worker has a network."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(8)
    server.settimeout(0.2)
    stop = threading.Event()

    def serve():
        while not stop.is_set():
            try:
                conn, _ = server.accept()
            except OSError:
                continue
            with conn:
                conn.sendall(b"ok")

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    yield server.getsockname()[1]
    stop.set()
    thread.join()
    server.close()


def test_the_sandbox_is_bubblewrap_here():
    # The cases that signal or fork without limit are only safe to run inside a PID namespace.
    assert sandbox.mode() == "bwrap", "the red team needs bubblewrap (Debian package bubblewrap)"


def test_attack_earns_nothing_and_costs_nothing_else(case, tmp_path, local_server):
    spec = load_case(case)
    out = tmp_path / "out"
    home = tmp_path / "home"
    secret = home / ".config" / "grader-token"
    secret.parent.mkdir(parents=True)
    secret.write_text("s3cret")
    sub = build_submission(
        spec, tmp_path / "submission", {"COURSE": COURSE, "OUT": out, "PORT": local_server, "SECRET_FILE": secret}
    )
    env = {"HOME": str(home), "GRADEKIT_REDTEAM_TOKEN": "s3cret", "GRADEKIT_MEMORY_MB": "1024"}
    graded = run_grade(sub, out, questions=[spec["QUESTION"]], timeout=spec["TIMEOUT"], env=env)
    assert graded.returncode == 0, graded.explain()
    for task in spec["ATTACKED"]:
        assert graded.points(task) == 0, f"{case.stem} earned points on {task}:\n{graded.explain()}"
    if "REASON" in spec:
        reasons = [spec["REASON"]] if isinstance(spec["REASON"], str) else spec["REASON"]
        assert any(r in graded.tasks[spec["ATTACKED"][0]]["output"] for r in reasons), graded.explain()
    for task in spec["KEEPS"]:
        entry = graded.tasks[task]
        assert entry["score"] == entry["max_score"], f"{case.stem} cost {task} points:\n{graded.explain()}"
    for text in spec.get("NOT_IN_REPORTS", []):  # what a hidden test gave the submission must not come back
        for name in ("results.json", "junit.xml", "score.csv"):
            assert text not in (out / name).read_text(), f"{case.stem}: {text!r} reached {name}:\n{graded.explain()}"
    ignored = graded.results["extra_data"]["files_ignored"]
    assert set(spec["IGNORED"]) <= set(ignored), ignored
    # Nothing the submission left behind may change the reports once grading is over.
    written = {name: (out / name).read_bytes() for name in ("results.json", "junit.xml", "score.csv")}
    time.sleep(1.0)
    assert written == {name: (out / name).read_bytes() for name in written}
    assert json.loads(written["results.json"])["extra_data"]["leftovers_killed"] is True
    assert not any(p.name.startswith("bomb") for p in COURSE.rglob("bomb*")) and not list(out.glob("bomb*"))
    assert os.environ.get("GRADEKIT_REDTEAM_TOKEN") is None  # the secret lived only in the grader's env


def test_without_bubblewrap_the_reference_stays_unreadable(public_python, tmp_path):
    """The read_hidden case again, with no mount namespace: file modes and the worker's own uid hold."""
    assert os.geteuid() == 0, "a worker gets a uid of its own only when grading runs as root: run the tests as root"
    course = public_python / "course"  # a copy: grading changes the modes of what it withholds
    shutil.copytree(COURSE, course)
    spec = load_case(Path(__file__).parent / "cases" / "read_hidden.py")
    sub = build_submission(spec, tmp_path / "submission", {"COURSE": course})
    out = tmp_path / "out"
    graded = run_grade(
        sub,
        out,
        questions=["q1"],
        timeout=spec["TIMEOUT"],
        env={"GRADEKIT_SANDBOX": "rlimits"},
        course=course,
        python=str(public_python / "venv" / "bin" / "python"),
    )
    protections = graded.results["extra_data"]["protections"]
    assert "unique to this grading" in protections["uid"], protections
    assert "readable by the grader only" in protections["files"], protections
    assert graded.points("q1.1") == 0 and spec["REASON"] in graded.tasks["q1.1"]["output"], graded.explain()
    for task in spec["KEEPS"]:
        assert graded.points(task) == graded.tasks[task]["max_score"], graded.explain()
    assert not (course / "solutions").stat().st_mode & 0o077
