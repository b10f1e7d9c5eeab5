"""`gradekit grade-all ROOT --out DIR --jobs N`: grade a whole class, in parallel, resumably.

Every sub-folder and every archive (.zip, .tar, .tar.gz, .tgz) directly under ROOT is one student's
submission, named after it. Each is graded by its own ``gradekit grade`` process into
``DIR/submissions/<student>/``; a submission's ``done.json`` records the digest of what was
graded, the questions asked for and the hash of the tests that graded it, so a re-run skips it
only when all three are unchanged (or never, with --force). Two entries with one name (``alice/``
and ``alice.zip``), and a submission that cannot be read, are that student's row only, "not
graded" with the reason; hidden entries and other files are listed as not submissions. A grading that
crashes, hangs past its time limit or is killed costs that student's row only: it is reported as
failed and graded again on the next run. After every finished grading, ``DIR/scores.csv`` (one
row per student, one column per question, and the total) and ``DIR/summary.md`` (failures per
task, throughput) are rewritten atomically from what is on disk, so an interrupted run loses
nothing that finished.
"""

from __future__ import annotations

import csv
import io
import json
import os
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from gradekit.course.locate import LocateError
from gradekit.course.questions import question_folders
from gradekit.grade import cluster, dashboard, similarity
from gradekit.grade.grade import ENV_HIDE, course_root, submission_digest
from gradekit.grade.results import tests_hash
from gradekit.grade.staging import StagingError
from gradekit.harness.reports import atomic_write

ARCHIVES = (".zip", ".tar", ".tar.gz", ".tgz")
GRADE_SECONDS = float(os.environ.get("GRADEKIT_GRADE_SECONDS", "3600"))  # one student's whole grading


@dataclass
class Submission:
    student: str
    path: Path


@dataclass
class Found:
    """What ROOT holds: the submissions to grade, and the entries that are not graded, with why."""

    submissions: list[Submission]
    refused: dict[str, str]  # student -> why their row is "not graded"
    skipped: list[str]  # entries that are not submissions (hidden files, other files)


def _student_name(entry: Path) -> str | None:
    if entry.is_dir() and not entry.is_symlink():
        return entry.name
    if entry.is_file() and not entry.is_symlink():
        for ext in sorted(ARCHIVES, key=len, reverse=True):
            if entry.name.endswith(ext):
                return entry.name[: -len(ext)]
    return None


def find_submissions(root: Path) -> Found:
    """Every folder and archive directly under ROOT, one per student; two entries with the same
    name (``alice/`` and ``alice.zip``) are not guessed between: that student is not graded, and
    the row says why."""
    by_name: dict[str, list[Path]] = {}
    skipped = []
    for entry in sorted(root.iterdir()):
        name = _student_name(entry) if not entry.name.startswith(".") else None
        if name is None:
            skipped.append(entry.name)
            continue
        by_name.setdefault(name, []).append(entry)
    subs, refused = [], {}
    for name, entries in sorted(by_name.items()):
        if len(entries) > 1:
            refused[name] = (
                f"{len(entries)} submissions have this name ({', '.join(e.name for e in entries)}): keep one and run again"
            )
        else:
            subs.append(Submission(name, entries[0]))
    return Found(subs, refused, skipped)


class Progress:
    """One line on stderr: done/total, percent, submissions per minute, time left."""

    def __init__(self, total: int, stream=sys.stderr):
        self.total = total
        self.done = 0
        self.started = time.monotonic()
        self.stream = stream
        self.tty = stream.isatty()
        self.lock = threading.Lock()

    def step(self, label: str) -> None:
        with self.lock:
            self.done += 1
            elapsed = time.monotonic() - self.started
            rate = self.done / elapsed * 60 if elapsed > 0 else 0.0
            left = (self.total - self.done) / (rate / 60) if rate > 0 else 0.0
            width = 24
            filled = int(width * self.done / max(self.total, 1))
            line = (
                f"[{'#' * filled}{'.' * (width - filled)}] {self.done}/{self.total} "
                f"{rate:.1f}/min, {left / 60:.1f} min left  {label}"
            )
            self.stream.write(("\r" + line[:120].ljust(120)) if self.tty else line + "\n")
            self.stream.flush()

    def close(self) -> None:
        if self.tty:
            self.stream.write("\n")


def _grade_one(sub: Submission, key: dict, out: Path, questions, timeout, hide: list[Path], running: dict) -> dict:
    """Run `gradekit grade` for one student in its own process group; return its done.json record."""
    folder = out / "submissions" / sub.student
    folder.mkdir(parents=True, exist_ok=True)
    args = [sys.executable, "-m", "gradekit", "grade", str(sub.path), "--out", str(folder)]
    if questions:
        args += ["--questions", ",".join(questions)]
    if timeout:
        args += ["--timeout", str(timeout)]
    env = dict(os.environ)
    env[ENV_HIDE] = os.pathsep.join([*(str(h) for h in hide), env.get(ENV_HIDE, "")]).strip(os.pathsep)
    started = time.monotonic()
    record = {"student": sub.student, "submission": str(sub.path), **key}
    with open(folder / "grade-all.log", "w") as log:
        proc = subprocess.Popen(args, stdout=log, stderr=subprocess.STDOUT, env=env, start_new_session=True)
        running[sub.student] = proc
        try:
            code = proc.wait(timeout=GRADE_SECONDS)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
            code = "timeout"
        finally:
            running.pop(sub.student, None)
    record.update(exit=code, seconds=round(time.monotonic() - started, 2))
    return _keep(record, folder)


def _keep(record: dict, folder: Path) -> dict:
    """Mark a grading done (done.json) when it wrote its results; else leave it to be graded again."""
    record["ok"] = record["exit"] == 0 and (folder / "results.json").is_file()
    if record["ok"]:
        atomic_write(folder / "done.json", json.dumps(record, indent=1) + "\n")
    else:
        (folder / "done.json").unlink(missing_ok=True)  # graded again next time
    return record


def _store_reply(sub: Submission, key: dict, out: Path, reply) -> dict:
    """Write what a cluster worker sent back for ``sub`` (result files, or why there are none)."""
    folder = out / "submissions" / sub.student
    folder.mkdir(parents=True, exist_ok=True)
    record = {"student": sub.student, "submission": str(sub.path), **key}
    if isinstance(reply, str):  # the cluster could not grade it
        (folder / "grade-all.log").write_text(reply + "\n")
        return {**record, "ok": False, "exit": "not graded", "why": reply}
    for name, data in reply["files"].items():
        if name in cluster.RESULT_FILES or name == "grade-all.log":
            atomic_write(folder / name, data.decode(errors="replace"))
    record.update(exit=reply["exit"], seconds=reply["seconds"], worker=reply["worker"])
    return _keep(record, folder)


def grading_key(sub: Submission, course: Path, questions) -> dict:
    """What a grading depends on: the submission's files, the questions asked for and the tests
    that graded them. A re-run skips a student only when all three are as they were."""
    return {
        "digest": submission_digest(sub.path),
        "asked": ",".join(questions) if questions else "submitted",
        "tests_sha256": tests_hash(course, questions or [q.name for q in question_folders(course / "assignments")]),
    }


def _finished(folder: Path, key: dict) -> str:
    """Why the student's earlier grading still stands ("" when it does not)."""
    done = folder / "done.json"
    if not done.is_file() or not (folder / "results.json").is_file():
        return ""
    try:
        record = json.loads(done.read_text())
    except ValueError:
        return ""
    return "same files, questions and tests" if all(record.get(k) == v for k, v in key.items()) else ""


def write_tables(out: Path, students: list[str], failures: dict[str, str], stats: dict) -> None:
    """scores.csv, summary.md and index.html from the results on disk (every student, finished or not)."""
    rows, questions, task_fail, task_msgs, task_max = [], [], Counter(), {}, {}
    graded: dict[str, dict] = {}
    for student in students:
        results_path = out / "submissions" / student / "results.json"
        row = {"student": student}
        try:
            results = json.loads(results_path.read_text()) if results_path.is_file() else None
        except ValueError:
            results = None
        if results is None or student in failures:
            row["status"] = f"not graded: {failures.get(student, 'no results')}"
        else:
            row["status"] = (
                "failed: " + results["output"][:200] if results["extra_data"].get("grading_failed") else "ok"
            )
            graded[student] = results
            for test in results.get("tests", []):
                q = test["number"].split(".")[0]
                if q not in questions:
                    questions.append(q)
                row[q] = round(row.get(q, 0) + test["score"], 4)
                task_max[test["number"]] = test["max_score"]
                if test["score"] < test["max_score"]:
                    task_fail[test["number"]] += 1
                    task_msgs.setdefault(test["number"], Counter())[test["output"][:120]] += 1
        rows.append(row)
    questions.sort(key=lambda q: int(q[1:]))
    for row in rows:
        row["total"] = round(sum(row.get(q, 0) for q in questions), 4)
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=["student", *questions, "total", "status"], extrasaction="ignore")
    writer.writeheader()
    writer.writerows(rows)
    atomic_write(out / "scores.csv", buf.getvalue())
    lines = [
        "# grade-all summary",
        "",
        f"{stats.get('graded', 0)} graded this run, {stats.get('skipped', 0)} skipped "
        f"({stats.get('skipped_why', 'already graded')}), "
        f"{len(failures)} not graded; {stats.get('per_minute', 0):.2f} submissions per minute "
        f"with {stats.get('engine') or '--jobs ' + str(stats.get('jobs'))}.",
        "",
        "| task | students below full points | most common reasons |",
        "|---|---|---|",
    ]
    for task in sorted(task_max, key=lambda t: tuple(int(x) for x in t[1:].split("."))):
        common = "; ".join(f"{m} ({n})" for m, n in task_msgs.get(task, Counter()).most_common(3))
        lines.append(f"| {task} | {task_fail.get(task, 0)} of {len(rows)} | {common.replace('|', '/')} |")
    if stats.get("not_submissions"):
        shown = ", ".join(stats["not_submissions"][:20])
        lines += ["", f"Not submissions (neither a folder nor {', '.join(ARCHIVES)}, or hidden): {shown}"]
    if failures:
        lines += ["", "## Not graded (run grade-all again to retry)", ""]
        lines += [f"- {s}: {why}" for s, why in sorted(failures.items())]
    atomic_write(out / "summary.md", "\n".join(lines) + "\n")
    atomic_write(out / "summary.json", json.dumps({**stats, "not_graded": failures}, indent=1) + "\n")
    atomic_write(out / "index.html", dashboard.render(out, students, graded, failures, stats))


def grade_all(
    root: Path,
    out: Path,
    jobs: int = 1,
    force: bool = False,
    questions=None,
    timeout=None,
    scheduler: str | None = None,
) -> int:
    found = find_submissions(root)
    out.mkdir(parents=True, exist_ok=True)
    course = course_root()
    failures: dict[str, str] = dict(found.refused)
    todo, keys, skipped = [], {}, 0
    for sub in found.submissions:
        try:  # one student's unreadable folder costs that student's row only
            keys[sub.student] = grading_key(sub, course, questions)
        except (OSError, StagingError) as exc:
            failures[sub.student] = f"the submission could not be read: {exc}"
            continue
        if not force and _finished(out / "submissions" / sub.student, keys[sub.student]):
            skipped += 1
        else:
            todo.append(sub)
    students = sorted({s.student for s in found.submissions} | set(found.refused))
    stats = {
        "jobs": jobs,
        "engine": f"Dask scheduler {scheduler}" if scheduler else f"--jobs {jobs}",
        "submissions": len(students),
        "skipped": skipped,
        "skipped_why": "already graded with the same files, questions and tests",
        "graded": 0,
        "not_submissions": found.skipped,
    }
    progress = Progress(len(todo))
    running: dict[str, subprocess.Popen] = {}
    lock = threading.Lock()
    started = time.monotonic()

    def finished(sub: Submission, record: dict) -> None:
        with lock:
            if record["ok"]:
                stats["graded"] += 1
                failures.pop(sub.student, None)
            else:
                failures[sub.student] = record.get("why") or (
                    f"gradekit exit {record['exit']} (see submissions/{sub.student}/grade-all.log)"
                )
            elapsed = time.monotonic() - started
            stats["seconds"] = round(elapsed, 1)
            stats["per_minute"] = round(stats["graded"] / elapsed * 60, 2) if elapsed else 0.0
            write_tables(out, students, failures, stats)
        progress.step(f"{sub.student}: {'ok' if record['ok'] else 'FAILED'}")

    def work(sub: Submission) -> None:
        hide = [root.resolve(), out.resolve()]
        finished(sub, _grade_one(sub, keys[sub.student], out, questions, timeout, hide, running))

    try:
        if scheduler:
            cluster.grade_on_cluster(
                scheduler,
                todo,
                keys,
                questions,
                timeout,
                GRADE_SECONDS,
                lambda sub, reply: finished(sub, _store_reply(sub, keys[sub.student], out, reply)),
                resources=cluster.resources_for(course, questions),
            )
        else:
            with ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
                list(pool.map(work, todo))
    except KeyboardInterrupt:
        for proc in list(running.values()):
            os.killpg(proc.pid, signal.SIGKILL)
        raise
    finally:
        progress.close()
    stats.setdefault("seconds", round(time.monotonic() - started, 1))
    stats.setdefault("per_minute", 0.0)
    try:  # the dashboard's similarity section reads DIR/similarity.csv
        flagged = [p for p in similarity.compare(root, out, course, questions) if p.flagged]
        stats["similar_pairs"] = len(flagged)
    except RuntimeError as exc:
        stats["similarity"] = f"not computed: {exc}"
    write_tables(out, students, failures, stats)
    print(
        f"graded {stats['graded']}, skipped {stats['skipped']}, not graded {len(failures)}; "
        f"{stats['per_minute']:.2f} submissions/min; scores in {out / 'scores.csv'}"
    )
    return 1 if failures else 0


def main(
    root: str, out: str, jobs: int = 1, force: bool = False, questions=None, timeout=None, scheduler: str | None = None
) -> int:
    root_path = Path(root)
    if not root_path.is_dir():
        print(f"gradekit grade-all: {root} is not a folder of submissions", file=sys.stderr)
        return 2
    try:
        return grade_all(
            root_path, Path(out), jobs=jobs, force=force, questions=questions, timeout=timeout, scheduler=scheduler
        )
    except (LocateError, cluster.ClusterError) as exc:
        print(f"gradekit grade-all: {exc}", file=sys.stderr)
        return 2
