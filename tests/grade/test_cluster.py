"""grade-all through a real Dask scheduler and two workers on loopback: the same scores as a local
run, a worker killed mid-run costs no row, and a scheduler that is not there is a quick clear error."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from .conftest import COURSE
from .test_grade_all import grade_all, make_class, scores

DASK = Path(sys.executable).with_name("dask")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for_port(port: int, seconds: float = 60.0) -> None:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.2)
    raise AssertionError(f"nothing listens on port {port} after {seconds:g} s")


@pytest.fixture
def cluster(tmp_path):
    """A scheduler and two single-threaded workers without nannies (a killed worker stays dead)."""
    assert DASK.is_file(), "these tests need Dask distributed: pip install distributed"
    port = free_port()
    env = dict(os.environ, GRADEKIT_COURSE=str(COURSE))
    logs = tmp_path / "dask-logs"
    logs.mkdir()
    procs = {}

    def start(name, *args):
        with open(logs / f"{name}.log", "w") as log:
            procs[name] = subprocess.Popen(
                [str(DASK), *args], env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
            )

    start("scheduler", "scheduler", "--host", "127.0.0.1", "--port", str(port), "--no-dashboard")
    wait_for_port(port)
    address = f"tcp://127.0.0.1:{port}"
    for name in ("w1", "w2"):
        start(name, "worker", address, "--nthreads", "1", "--no-nanny", "--no-dashboard", "--name", name)
    yield address, procs, logs
    for proc in procs.values():
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()


def wait_for_workers(address: str, count: int) -> None:
    from distributed import Client

    with Client(address, timeout=30) as client:
        client.wait_for_workers(count, timeout=60)


@pytest.mark.slow
def test_a_cluster_grades_like_a_local_run_and_survives_a_killed_worker(tmp_path, cluster):
    address, procs, logs = cluster
    root = tmp_path / "class"
    root.mkdir()
    make_class(root)
    local = grade_all(root, tmp_path / "local", "--jobs", "2")
    assert local.returncode == 0, local.stdout + local.stderr
    wait_for_workers(address, 2)
    run = subprocess.Popen(
        [sys.executable, "-m", "gradekit", "grade-all", str(root), "--out", str(tmp_path / "dask")]
        + ["--questions", "q1", "--timeout", "8", "--scheduler", address],
        env=dict(os.environ, GRADEKIT_COURSE=str(COURSE)),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    time.sleep(4)  # both workers are grading by now (dave's hang alone takes 8 s)
    os.killpg(procs["w1"].pid, signal.SIGKILL)
    stdout, stderr = run.communicate(timeout=600)
    assert run.returncode == 0, stdout + stderr + (logs / "scheduler.log").read_text()[-3000:]
    assert procs["w1"].poll() is not None  # it really was gone for the rest of the run
    assert scores(tmp_path / "dask") == scores(tmp_path / "local")
    for student in ("alice", "bob", "carol", "dave"):  # each page came back with the results
        assert (tmp_path / "dask" / "submissions" / student / "report.html").is_file()
    assert "graded 4, skipped 0, not graded 0" in stdout
    removed = [line for line in (logs / "scheduler.log").read_text().splitlines() if "Remove worker" in line]
    assert any("name: w1" in line for line in removed), removed  # the scheduler saw it go mid-run


def test_a_scheduler_that_is_not_there_is_a_clear_error_within_seconds(tmp_path):
    root = tmp_path / "class"
    (root / "alice" / "q1").mkdir(parents=True)
    started = time.monotonic()
    done = grade_all(root, tmp_path / "out", "--scheduler", f"tcp://127.0.0.1:{free_port()}")
    assert time.monotonic() - started < 60
    assert done.returncode == 2
    assert "no Dask scheduler answers at tcp://127.0.0.1:" in done.stderr, done.stderr


def test_questions_that_need_a_gpu_go_only_to_workers_with_one(tmp_path, monkeypatch):
    """resources_for reads needs_gpu from the task tables, and a real scheduler then runs those
    gradings only on the worker that advertises GPU=1 (in-process workers; the grading itself is
    replaced by a note of the worker that ran it)."""
    from distributed import Scheduler, SpecCluster, Worker, get_worker

    from gradekit.grade import cluster as engine
    from gradekit.grade.grade_all import Submission

    course = tmp_path / "course"
    for q, extra in (("q1", ""), ("q2", "needs_gpu = true\n")):
        (course / "assignments" / q).mkdir(parents=True)
        table = (COURSE / "assignments" / q / "tasks.toml").read_text()
        (course / "assignments" / q / "tasks.toml").write_text(extra + table)
    assert engine.resources_for(course, ["q1"]) is None
    assert engine.resources_for(course, ["q1", "q2"]) == {"GPU": 1}
    assert engine.resources_for(course, None) == {"GPU": 1}

    def noted(name, data, questions, timeout, seconds):
        return {"worker": get_worker().name, "tests_sha256": "same"}

    monkeypatch.setattr(engine, "grade_shipped", noted)
    subs, keys = [], {}
    for student in ("alice", "bob", "carol", "dave"):
        (tmp_path / "class" / student / "q1").mkdir(parents=True)
        (tmp_path / "class" / student / "q1" / "arith.py").write_text("x = 1\n")
        subs.append(Submission(student, tmp_path / "class" / student))
        keys[student] = {"digest": student * 4, "tests_sha256": "same"}
    workers = {
        "cpu": {"cls": Worker, "options": {"nthreads": 2}},
        "gpu": {"cls": Worker, "options": {"nthreads": 1, "resources": {"GPU": 1}}},
    }
    with SpecCluster(workers=workers, scheduler={"cls": Scheduler, "options": {"dashboard_address": ":0"}}) as local:
        for questions, expected in ((["q2"], {"gpu"}), (["q1"], None)):
            ran = {}
            engine.grade_on_cluster(
                local.scheduler_address,
                subs,
                keys,
                questions,
                8,
                60,
                lambda sub, reply, ran=ran: ran.__setitem__(sub.student, reply["worker"]),
                resources=engine.resources_for(course, questions),
            )
            assert sorted(ran) == ["alice", "bob", "carol", "dave"], ran
            if expected is not None:
                assert set(ran.values()) == expected, ran
