"""`gradekit grade SUBMISSION --out DIR`: grade one submission with its code kept in a sandbox.

1. Stage: copy only the expected module files out of the submission (gradekit.grade.staging).
2. Run the course's own tests (visible and hidden, from the course repository) with pytest in a
   trusted child process, with gradekit.grade.plugin loaded: the student's code runs only in
   sandboxed workers (gradekit.sandbox.parent.session, gradekit.sandbox.parent.launch), one per task.
3. When that process has exited and every process of the worker's uid is gone, write
   DIR/results.json (Gradescope's schema), DIR/junit.xml and DIR/score.csv, and DIR/grading.log
   (pytest's output, for instructors: it shows hidden tests' tracebacks).

Exit status 0 means grading completed, whatever the score; 2 means gradekit itself failed (the
results.json then says why, with a score of 0).
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import signal
import stat
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from gradekit import __version__
from gradekit.course.locate import LocateError, find_course_root
from gradekit.course.questions import load_question, question_folders
from gradekit.grade import results as grade_report
from gradekit.grade import staging
from gradekit.sandbox.parent import launch, processes, proxies
from gradekit.sandbox.parent.session import GradeConfig

ENV_COURSE = "GRADEKIT_COURSE"  # the course repository (default: found from the working directory)
ENV_HIDE = "GRADEKIT_HIDE"  # more folders to hide from the sandbox (os.pathsep-separated)
ENV_BUDGET = "GRADEKIT_BUDGET"  # seconds for the whole submission when --budget is not given
DEFAULT_TEST_SECONDS = 120.0
# With a budget, pytest stops its tests by the budget's end by itself (gradekit.grade.plugin); it is
# killed only if it is still running this long after, and then its results are lost.
LAST_RESORT_SECONDS = 10.0


def course_root() -> Path:
    if os.environ.get(ENV_COURSE):
        return Path(os.environ[ENV_COURSE]).resolve()
    return find_course_root()


def _preload(staged: staging.Staged, root: Path, questions: list[str]) -> list[str]:
    """numpy always; torch too when the graded code or its tests use it (imported before the fork)."""
    texts = [p.read_text(errors="replace") for p in staged.root.rglob("*.py")]
    for q in questions:
        texts += [p.read_text(errors="replace") for p in (root / "assignments" / q).glob("test_*.py")]
    return ["numpy", "torch"] if any("torch" in t for t in texts) else ["numpy"]


def _pytest_argv(root: Path, questions: list[str], staged: Path, work: Path) -> list[str]:
    return [
        sys.executable,
        "-I",
        "-m",
        "pytest",
        *[f"assignments/{q}" for q in questions],
        "--with-hidden",
        "--against",
        str(staged),
        "-p",
        "gradekit.grade.plugin",
        "-p",
        "no:cacheprovider",
        "--gradekit-json",
        str(work / "results.json"),
        "--gradekit-csv",
        str(work / "score.csv"),
        "-o",
        "addopts=",
        "--import-mode=importlib",
        "--rootdir",
        str(root),
        "-q",
        "--no-header",
        "-W",
        "ignore::pytest.PytestAssertRewriteWarning",
    ]


WORK_PREFIX = "gradekit-grade-"
OWNER_FILE = "owner.pid"  # the pid of the grading that made a work folder


def remove_stale_work_folders() -> list[Path]:
    """Remove the work folders of gradings that were killed before they could clean up (their
    owner process is gone); returns them. A folder of a grading still running is left alone."""
    removed = []
    for folder in Path(tempfile.gettempdir()).glob(WORK_PREFIX + "*"):
        try:
            pid = int((folder / OWNER_FILE).read_text())
            os.kill(pid, 0)
            continue  # its grading is still running
        except ProcessLookupError:
            pass
        except (OSError, ValueError):
            continue  # not ours to judge: no owner file, or another user's process
        shutil.rmtree(folder, ignore_errors=True)
        removed.append(folder)
    return removed


def budget_seconds(given: float | None) -> float | None:
    """The submission's time budget: ``--budget``, else $GRADEKIT_BUDGET (for platforms such as
    Gradescope, where the command line is fixed in a script), else none."""
    text = os.environ.get(ENV_BUDGET, "").strip()
    if given is None and text:
        try:
            given = float(text)
        except ValueError:
            raise ValueError(f"{ENV_BUDGET}={text!r} is not a number of seconds") from None
    if given is not None and not given > 0:
        raise ValueError(f"the time budget must be a positive number of seconds, not {given:g}")
    return given


def _outer_limit(started: float, budget: float | None, questions: list[str], timeout: float | None) -> float:
    """How long the pytest process may run before it is killed: a last resort, after the point at
    which it should have stopped by itself."""
    if budget is not None:
        return max(started + budget + LAST_RESORT_SECONDS - time.monotonic(), 1.0)
    return len(questions) * 10 * (timeout or DEFAULT_TEST_SECONDS) + 600


def _run_pytest(argv: list[str], root: Path, env: dict, limit: float) -> tuple[str, int]:
    """pytest's output and exit status (-1 when it was killed at ``limit``)."""
    try:
        proc = subprocess.run(argv, cwd=root, env=env, capture_output=True, text=True, timeout=limit)
        return proc.stdout + proc.stderr, proc.returncode
    except subprocess.TimeoutExpired as exc:
        out = [x.decode(errors="replace") if isinstance(x, bytes) else (x or "") for x in (exc.stdout, exc.stderr)]
        return f"{out[0]}{out[1]}\ngrading ran past {limit:g} s", -1


def grade(
    submission: Path,
    out: Path,
    questions: list[str] | None = None,
    timeout: float | None = None,
    budget: float | None = None,
) -> int:
    """Grade ``submission`` into ``out``; see the module docstring. Returns the exit status.

    ``budget`` (or $GRADEKIT_BUDGET) bounds the whole grading, from now: the reports are written
    within it plus a few seconds, with the points of every task that finished in time.
    """
    started = time.monotonic()
    budget = budget_seconds(budget)
    root = course_root()
    out.mkdir(parents=True, exist_ok=True)
    remove_stale_work_folders()
    work = Path(tempfile.mkdtemp(prefix=WORK_PREFIX))
    os.chmod(work, 0o711)  # a worker running as its own uid must reach the staged files
    (work / OWNER_FILE).write_text(str(os.getpid()))
    extra: dict = {"gradekit_version": __version__, "submission": str(submission)}
    uid = launch.worker_uid()
    try:
        staged = staging.stage(submission, root, work / "submission", questions)
        graded = questions or staged.questions or [q.name for q in question_folders(root / "assignments")]
        for q in graded:  # an empty question folder: its tests then fail with "missing", not a usage error
            (staged.root / q).mkdir(mode=0o755, exist_ok=True)
        extra.update(
            questions=graded,
            tests_sha256=grade_report.tests_hash(root, graded),
            files_copied=staged.copied,
            files_ignored=staged.ignored,
            notebooks_ignored=staged.notebooks,
            files_ignored_count=staged.ignored_count,
            files_refused=staged.refused,
            speed_tolerance=f"a speed task's points may differ between two gradings by what a factor "
            f"{grade_report.SPEED_RATIO_BAND:g} in the measured ratio is worth; "
            "every other task gives the same points",
        )
        forbid = sorted(
            {tuple(t.forbid) for q in graded for t in load_question(root / "assignments" / q).tasks if t.forbid}
        )
        hide = [Path(submission).resolve(), out.resolve(), work]
        hide += [Path(p) for p in os.environ.get(ENV_HIDE, "").split(os.pathsep) if p]
        config = GradeConfig(
            staged=str(staged.root),
            course_root=str(root),
            hide=[str(p) for p in hide],
            task_timeout=timeout,
            preload=_preload(staged, root, graded),
            forbid=[list(f) for f in forbid],
            facts=str(work / "facts.json"),
            uid=uid,
            deadline=started + budget if budget is not None else None,
        )
        config.save(work / "config.json")
        env = dict(os.environ, GRADEKIT_GRADE=str(work / "config.json"), PYTHONDONTWRITEBYTECODE="1")
        limit = _outer_limit(started, budget, graded, timeout)
        log, code = _run_pytest(_pytest_argv(root, graded, staged.root, work), root, env, limit)
        # Nothing of the workers may outlive grading, those of the sealed uid included.
        swept = processes.sweep_uid(uid) & processes.sweep_uid(launch.sealed_uid(uid))
        facts = json.loads((work / "facts.json").read_text()) if (work / "facts.json").is_file() else {}
        log = log if isinstance(log, str) else log.decode(errors="replace")
        if facts.get("output_head"):
            log += "\n--- the first lines the sandboxed workers printed ---\n" + facts["output_head"]
        (out / "grading.log").write_text(log)
        extra.update(
            sandbox=facts.get("protections", {}).get("sandbox", "not started"),
            protections=facts.get("protections", {}),
            workers=facts.get("tasks", {}),
            sandbox_start_seconds=facts.get("sandbox_starts", []),
            worker_output_bytes=facts.get("output_bytes", 0),
            leftovers_killed=swept,
            grading_seconds=round(time.monotonic() - started, 2),
            budget_seconds=budget,
            time_shares=facts.get("time_shares", {}),
            hung_imports=facts.get("hung_imports", {}),
            hung_calls=facts.get("hung_calls", {}),
            datasets_hidden=facts.get("datasets_hidden", {}),
        )
        if code not in (0, 1) or not (work / "results.json").is_file():
            tail = "\n".join(log.splitlines()[-15:])  # log is text by now (decoded above)
            grade_report.write_all(
                out,
                grade_report.failed_results(
                    f"gradekit could not grade this submission (pytest exit {code}):\n{tail}", extra
                ),
                None,
            )
            # gradekit's own failure: say so where the person running it looks, not only in the log
            print(
                f"gradekit grade: grading failed (pytest exit {code}); the end of {out / 'grading.log'}:\n{tail}",
                file=sys.stderr,
            )
            return 2
        results = json.loads((work / "results.json").read_text())
        results["extra_data"] = {**results.get("extra_data", {}), **extra}
        results["output"] = _summary(results, extra)
        grade_report.write_all(out, results, (work / "score.csv").read_text())
        return 0
    except (staging.StagingError, LocateError) as exc:
        extra["grading_seconds"] = round(time.monotonic() - started, 2)
        grade_report.write_all(
            out, grade_report.failed_results(f"the submission could not be read: {exc}", extra), None
        )
        return 0  # grading completed: an unreadable submission earns 0
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _summary(results: dict, extra: dict) -> str:
    lines = [
        f"gradekit {__version__}: {results.get('score', 0):g} points over {', '.join(extra['questions'])}",
        f"sandbox: {extra.get('sandbox')}",
    ]
    if extra.get("files_ignored_count"):
        shown = ", ".join(extra["files_ignored"][:10])
        lines.append(f"ignored {extra['files_ignored_count']} file(s) that are not expected module files: {shown}")
    if extra.get("notebooks_ignored"):
        lines.append(
            f"not graded: {', '.join(extra['notebooks_ignored'][:10])}: `gradekit grade` takes the module files "
            "(q1/conv.py, ...); notebooks are graded through nbgrader (`gradekit nbgrader`, docs/nbgrader.md)"
        )
    if extra.get("files_refused"):
        lines.append("refused: " + "; ".join(extra["files_refused"][:10]))
    for name, limit in extra.get("hung_imports", {}).items():
        path = name.replace(".", "/") + ".py"
        lines.append(f"{path} did not finish importing within {limit:g} s: every test that needs it failed")
    for name, task in extra.get("hung_calls", {}).items():
        lines.append(
            f"{name} ran out of time in {task}; later calls of it were given {proxies.HUNG_RETRY_SECONDS:g} s each"
        )
    cut = [t["number"] for t in results.get("tests", []) if str(t.get("output", "")).startswith("not graded")]
    if cut:
        lines.append(f"the time budget of {extra.get('budget_seconds') or 0:g} s ran out; not graded: {', '.join(cut)}")
    return "\n".join(lines)


def submission_digest(path: Path) -> str:
    """sha256 of a submission's module files, or of its archive (what grade-all uses to tell a
    resubmission). Read as staging reads: no link followed, regular files only, sizes capped."""
    digest = hashlib.sha256()
    path = Path(path)
    info = path.lstat()
    if stat.S_ISREG(info.st_mode):
        digest.update(path.name.encode())
        with open(path, "rb") as fh:
            for _ in range(staging.MAX_ARCHIVE_BYTES // 2**20 + 1):  # an upload larger than that is refused
                chunk = fh.read(2**20)
                if not chunk:
                    break
                digest.update(chunk)
        return digest.hexdigest()
    if not stat.S_ISDIR(info.st_mode):
        raise staging.StagingError(f"{path.name}: not a folder or an archive")
    for rel, entry in staging.scan_folder(path):
        if rel.endswith(".py") and stat.S_ISREG(entry.st_mode):
            with open(path / rel, "rb") as fh:
                digest.update(rel.encode() + b"\0" + fh.read(staging.MAX_MODULE_BYTES + 1))
    return digest.hexdigest()


def _exit_on_sigterm(signum, frame):
    raise SystemExit(128 + signum)  # unwinds through grade()'s cleanup, unlike the default action


def main(
    submission: str,
    out: str,
    questions: list[str] | None = None,
    timeout: float | None = None,
    budget: float | None = None,
) -> int:
    signal.signal(signal.SIGTERM, _exit_on_sigterm)
    try:
        return grade(Path(submission), Path(out), questions, timeout, budget)
    except Exception as exc:  # noqa: BLE001 - gradekit's own failure: say so, exit non-zero
        print(f"gradekit grade: {type(exc).__name__}: {exc}", file=sys.stderr)
        try:
            grade_report.write_all(
                Path(out), grade_report.failed_results(f"gradekit failed: {type(exc).__name__}: {exc}", {}), None
            )
        except OSError:
            pass
        return 2
