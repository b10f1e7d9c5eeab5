"""``gradekit grade-all --scheduler ADDRESS``: a class graded on a Dask distributed cluster.

Each submission is one Dask task. The submission travels to the worker as bytes (an archive as it
is, a folder as a zip of the files staging would look at) and the result files come back as bytes,
so workers share no filesystem with the machine that runs grade-all; each worker needs gradekit
and the course installed (``GRADEKIT_COURSE`` in its environment, or started from the course
repository). On the worker the task runs ``gradekit grade`` in a subprocess, as a local grade-all
does. Dask runs a task again on another worker when its worker dies, so a lost worker costs time,
not a row. The client checks that the worker graded with the same tests (tests hash) as its own
course: a worker with another version of the course is reported, never counted.
"""

from __future__ import annotations

import io
import os
import shutil
import stat
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

from gradekit.course.questions import load_question, question_folders
from gradekit.grade import staging

CONNECT_SECONDS = 10.0  # an unreachable scheduler is an error after this long, not a hang
RESULT_FILES = ("results.json", "junit.xml", "score.csv", "report.html", "grading.log")
MAX_SHIPPED_BYTES = 64 * 2**20  # a submission sent to a worker; staging refuses bigger anyway


class ClusterError(RuntimeError):
    """The Dask scheduler cannot be reached, or the distributed package is missing."""


def pack_submission(path: Path) -> tuple[str, bytes]:
    """(file name, bytes) of a submission to ship: an archive as it is, a folder zipped.

    A folder is read as staging reads it (no link followed, regular files only), and each file is
    cut one byte past the module size cap, so that the worker's staging still refuses it by size.
    """
    path = Path(path)
    if stat.S_ISREG(path.lstat().st_mode):
        if path.stat().st_size > MAX_SHIPPED_BYTES:
            raise staging.StagingError(f"{path.name} is larger than {MAX_SHIPPED_BYTES // 2**20} MiB")
        return path.name, path.read_bytes()
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for rel, info in staging.scan_folder(path):
            if stat.S_ISREG(info.st_mode):
                with open(path / rel, "rb") as fh:
                    zf.writestr(rel, fh.read(staging.MAX_MODULE_BYTES + 1))
    return f"{path.name}.zip", buf.getvalue()


def grade_shipped(name: str, data: bytes, questions: list[str] | None, timeout: float | None, seconds: float) -> dict:
    """Run on a Dask worker: grade one shipped submission; return its result files as bytes.

    Returns {"exit": code or "timeout", "seconds": float, "files": {name: bytes},
    "tests_sha256": the worker's tests hash for the questions graded, "worker": its host name}.
    """
    from gradekit.grade.grade import course_root
    from gradekit.grade.results import tests_hash

    work = Path(tempfile.mkdtemp(prefix="gradekit-remote-"))
    started = time.monotonic()
    try:
        sub = work / staging.safe_upload_name(name)
        sub.write_bytes(data)
        out = work / "out"
        args = [sys.executable, "-m", "gradekit", "grade", str(sub), "--out", str(out)]
        if questions:
            args += ["--questions", ",".join(questions)]
        if timeout:
            args += ["--timeout", str(timeout)]
        try:
            proc = subprocess.run(args, capture_output=True, text=True, timeout=seconds, start_new_session=True)
            code, log = proc.returncode, proc.stdout + proc.stderr
        except subprocess.TimeoutExpired:
            code, log = "timeout", f"gradekit grade ran past {seconds:g} s"
        files = {f: (out / f).read_bytes() for f in RESULT_FILES if (out / f).is_file()}
        files["grade-all.log"] = log.encode()
        graded = questions
        if graded is None:
            from gradekit.course.questions import question_folders

            graded = [q.name for q in question_folders(course_root() / "assignments")]
        return {
            "exit": code,
            "seconds": round(time.monotonic() - started, 2),
            "files": files,
            "tests_sha256": tests_hash(course_root(), graded),
            "worker": os.uname().nodename,
        }
    finally:
        shutil.rmtree(work, ignore_errors=True)


def connect(address: str):
    """A Dask client for the scheduler at ``address``; ClusterError within CONNECT_SECONDS if none answers."""
    try:
        from distributed import Client
    except ImportError:
        raise ClusterError("grading on a cluster needs Dask distributed: pip install distributed") from None
    try:
        return Client(address, timeout=CONNECT_SECONDS, set_as_default=False)
    except (OSError, TimeoutError) as exc:
        raise ClusterError(f"no Dask scheduler answers at {address} within {CONNECT_SECONDS:g} s ({exc})") from None


def resources_for(course: Path, questions) -> dict | None:
    """Dask resources a submission's grading needs: {'GPU': 1} when a question asked for (every
    question when ``questions`` is None) says ``needs_gpu = true`` in its tasks.toml, so that only
    workers started with ``--resources GPU=1`` take it; None otherwise (any worker)."""
    folders = question_folders(course / "assignments")
    asked = [f for f in folders if questions is None or f.name in questions]
    return {"GPU": 1} if any(load_question(f).needs_gpu for f in asked) else None


def grade_on_cluster(address: str, subs, keys: dict, questions, timeout, seconds: float, done, resources=None) -> None:
    """Submit every submission in ``subs`` to the cluster (each needing ``resources``, see
    resources_for); call ``done(sub, reply or error text)`` as each finishes, in the order they finish."""
    from distributed import as_completed

    client = connect(address)
    try:
        futures = {}
        for sub in subs:
            try:
                name, data = pack_submission(sub.path)
            except (OSError, staging.StagingError) as exc:
                done(sub, f"the submission could not be read: {exc}")
                continue
            future = client.submit(
                grade_shipped,
                name,
                data,
                questions,
                timeout,
                seconds,
                key=f"gradekit-grade-{sub.student}-{keys[sub.student]['digest'][:16]}",
                pure=False,
                resources=resources,
            )
            futures[future] = sub
        for future in as_completed(list(futures), loop=client.loop):
            sub = futures[future]
            try:
                reply = future.result()
            except Exception as exc:  # noqa: BLE001 - a task the cluster gave up on: that row only
                done(sub, f"the cluster could not grade it: {type(exc).__name__}: {exc}")
                continue
            if reply["tests_sha256"] != keys[sub.student]["tests_sha256"]:
                done(sub, f"worker {reply['worker']} has another version of the course's tests; update it")
                continue
            done(sub, reply)
    finally:
        client.close()
