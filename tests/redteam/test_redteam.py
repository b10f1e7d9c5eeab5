"""Every cheat in cases/ scores 0 on the task it attacks, in grade mode, and costs nothing else."""

from __future__ import annotations

import json
import os
import shutil
import socket
import sys
import threading
import time

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
    # The cases that signal or fork without limit are only safe to run inside a PID namespace, or
    # as a uid of their own (the rlimits runs below).
    assert sandbox.mode() == "bwrap", "the red team needs bubblewrap (Debian package bubblewrap)"


@pytest.fixture(scope="module")
def public_course(public_python):
    """A copy of the fixture course where the public Python is: grading without bubblewrap changes
    the modes of what it withholds, and its worker's uid must be able to reach the submission."""
    course = public_python / "course"
    if not course.exists():
        shutil.copytree(COURSE, course)
    return course


@pytest.fixture(params=["bwrap", "rlimits"])
def sandbox_mode(request):
    """How the case is graded: in bubblewrap, or without it as the kit falls back to (the worker
    as a uid of its own, the course closed by file modes); the second needs root and a Python
    every uid can read."""
    if request.param == "bwrap":
        return {"course": COURSE, "env": {}, "python": sys.executable}
    assert os.geteuid() == 0, "the rlimits red team needs a uid of its own for the worker: run the tests as root"
    public = request.getfixturevalue("public_python")
    return {
        "course": request.getfixturevalue("public_course"),
        "env": {"GRADEKIT_SANDBOX": "rlimits"},
        "python": str(public / "venv" / "bin" / "python"),
    }


def test_attack_earns_nothing_and_costs_nothing_else(case, sandbox_mode, tmp_path, local_server):
    spec = load_case(case)
    course = sandbox_mode["course"]
    out = tmp_path / "out"
    home = tmp_path / "home"
    secret = home / ".config" / "grader-token"
    secret.parent.mkdir(parents=True)
    secret.write_text("s3cret")
    sub = build_submission(
        spec, tmp_path / "submission", {"COURSE": course, "OUT": out, "PORT": local_server, "SECRET_FILE": secret}
    )
    env = {"HOME": str(home), "GRADEKIT_REDTEAM_TOKEN": "s3cret", "GRADEKIT_MEMORY_MB": "1024", **sandbox_mode["env"]}
    graded = run_grade(
        sub,
        out,
        questions=[spec["QUESTION"]],
        timeout=spec["TIMEOUT"],
        env=env,
        course=course,
        python=sandbox_mode["python"],
    )
    assert graded.returncode == 0, graded.explain()
    if sandbox_mode["env"]:  # the cases that signal or fork are only safe as a uid of their own
        protections = graded.results["extra_data"]["protections"]
        assert "unique to this grading" in protections["uid"], protections
        assert "readable by the grader only" in protections["files"], protections
        assert "the network cut" in protections["sandbox"], protections
        assert not (course / "solutions").stat().st_mode & 0o077
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
    assert not any(p.name.startswith("bomb") for p in course.rglob("bomb*")) and not list(out.glob("bomb*"))
    assert os.environ.get("GRADEKIT_REDTEAM_TOKEN") is None  # the secret lived only in the grader's env
