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
from gradekit.sandbox.parent import launch
from gradekit.sandbox.parent.session import GradeConfig

ENV_COURSE = "GRADEKIT_COURSE"  # the course repository (default: found from the working directory)
ENV_HIDE = "GRADEKIT_HIDE"  # more folders to hide from the sandbox (os.pathsep-separated)
DEFAULT_TEST_SECONDS = 120.0


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


def grade(submission: Path, out: Path, questions: list[str] | None = None, timeout: float | None = None) -> int:
    """Grade ``submission`` into ``out``; see the module docstring. Returns the exit status."""
    started = time.monotonic()
    root = course_root()
    out.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix="gradekit-grade-"))
    os.chmod(work, 0o711)  # a worker running as its own uid must reach the staged files
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
        )
        config.save(work / "config.json")
        budget = len(graded) * 10 * (timeout or DEFAULT_TEST_SECONDS) + 600
        env = dict(os.environ, GRADEKIT_GRADE=str(work / "config.json"), PYTHONDONTWRITEBYTECODE="1")
        try:
            proc = subprocess.run(
                _pytest_argv(root, graded, staged.root, work),
                cwd=root,
                env=env,
                capture_output=True,
                text=True,
                timeout=budget,
            )
            log, code = proc.stdout + proc.stderr, proc.returncode
        except subprocess.TimeoutExpired as exc:
            log, code = f"{exc.stdout or ''}{exc.stderr or ''}\ngrading ran past {budget:g} s", -1
        swept = launch.sweep_uid(uid)  # nothing of the worker may outlive grading
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
    if extra.get("files_refused"):
        lines.append("refused: " + "; ".join(extra["files_refused"][:10]))
    return "\n".join(lines)


def submission_digest(path: Path) -> str:
    """sha256 of a submission's expected files (what grade-all uses to tell a resubmission)."""
    digest = hashlib.sha256()
    path = Path(path)
    files = [path] if path.is_file() else sorted(p for p in path.rglob("*.py") if p.is_file())
    for f in files:
        digest.update(str(f.relative_to(path) if f != path else f.name).encode() + f.read_bytes())
    return digest.hexdigest()


def main(submission: str, out: str, questions: list[str] | None = None, timeout: float | None = None) -> int:
    try:
        return grade(Path(submission), Path(out), questions, timeout)
    except Exception as exc:  # noqa: BLE001 - gradekit's own failure: say so, exit non-zero
        print(f"gradekit grade: {type(exc).__name__}: {exc}", file=sys.stderr)
        try:
            grade_report.write_all(
                Path(out), grade_report.failed_results(f"gradekit failed: {type(exc).__name__}: {exc}", {}), None
            )
        except OSError:
            pass
        return 2
