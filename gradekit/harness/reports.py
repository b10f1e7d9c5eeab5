"""Machine-readable results of a run: Gradescope's results.json and a CSV row per task.

JUnit XML comes from pytest's own ``--junitxml``; the plugin adds each test's task id and
points to it as properties.
"""

from __future__ import annotations

import csv
import json
import os
import tempfile
from pathlib import Path

from gradekit import __version__
from gradekit.harness.ledger import QuestionResult

CSV_FIELDS = ["question", "task", "title", "earned", "possible", "status", "speed_ratio", "speed_target", "message"]


def atomic_write(path: Path, text: str) -> None:
    """Write-then-rename: a run killed mid-write leaves the old file or none, never half a report."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    with os.fdopen(fd, "w", encoding="utf-8", newline="") as fh:
        fh.write(text)
    os.replace(tmp, path)


def gradescope(
    results: list[QuestionResult], *, against: str, extra: dict | None = None, visibility: str = "visible"
) -> dict:
    """Gradescope's autograder results schema: one test entry per task, named '<id> <title>'."""
    tests = []
    for qr in results:
        for tr in qr.tasks:
            output = tr.note or ("passed" if tr.status == "passed" else tr.status)
            entry = {
                "name": f"{tr.task.id} {tr.task.title}",
                "number": tr.task.id,
                "score": round(tr.earned, 4),
                "max_score": tr.task.points,
                "status": "passed" if tr.status == "passed" else "failed",
                "output": output,
                "tags": [qr.question.id] + (["extra credit"] if qr.question.extra_credit else []),
                "visibility": visibility,
            }
            if tr.speed is not None:
                entry["extra_data"] = {"speed_ratio": round(tr.speed.ratio, 4), "speed_target": tr.speed.target}
            if tr.first_detail and tr.first_detail != output:  # the whole message, for report pages
                entry.setdefault("extra_data", {})["message"] = tr.first_detail
            tests.append(entry)
    score = sum(qr.earned for qr in results)
    report = {
        "score": round(score, 4),
        "output": f"gradekit {__version__}, against {against}",
        "visibility": visibility,
        "stdout_visibility": "hidden",
        "tests": tests,
        "extra_data": {"gradekit_version": __version__, **(extra or {})},
    }
    board = leaderboard(results)
    if board:
        report["leaderboard"] = board
    return report


def leaderboard(results: list[QuestionResult]) -> list[dict]:
    """Gradescope's leaderboard columns: each speed task's measured ratio against the reference
    kernel (higher is faster), then the score, so students see where their kernel stands."""
    board = [
        {"name": f"{tr.task.id} speed (x {tr.speed.reference})", "value": round(tr.speed.ratio, 3), "order": "desc"}
        for qr in results
        for tr in qr.tasks
        if tr.speed is not None
    ]
    if board:
        board.append({"name": "score", "value": round(sum(qr.earned for qr in results), 4), "order": "desc"})
    return board


def write_gradescope(path: Path, results: list[QuestionResult], *, against: str, extra: dict | None = None) -> None:
    atomic_write(path, json.dumps(gradescope(results, against=against, extra=extra), indent=2) + "\n")


def csv_rows(results: list[QuestionResult]) -> list[dict]:
    rows = []
    for qr in results:
        for tr in qr.tasks:
            rows.append(
                {
                    "question": qr.question.id,
                    "task": tr.task.id,
                    "title": tr.task.title,
                    "earned": round(tr.earned, 4),
                    "possible": tr.task.points,
                    "status": tr.status,
                    "speed_ratio": round(tr.speed.ratio, 4) if tr.speed else "",
                    "speed_target": tr.speed.target if tr.speed else "",
                    "message": tr.first_problem,
                }
            )
    return rows


def write_csv(path: Path, results: list[QuestionResult]) -> None:
    import io

    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=CSV_FIELDS)
    writer.writeheader()
    writer.writerows(csv_rows(results))
    atomic_write(path, buf.getvalue())
