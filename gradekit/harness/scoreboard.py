"""The scoreboard printed at the end of ``pytest assignments/qN``: one row per task, a total per question."""

from __future__ import annotations

from typing import Callable

from gradekit.harness.ledger import QuestionResult

STATUS_COLOUR = {
    "passed": "green",
    "partial": "yellow",
    "not implemented": "yellow",
    "failed": "red",
    "not run": None,
}


def fmt_points(x: float) -> str:
    return f"{x:.1f}".rstrip("0").rstrip(".") if abs(x - round(x)) > 1e-9 else f"{round(x)}"


def render(results: list[QuestionResult], write: Callable[..., None], target_label: str, width: int = 100) -> None:
    """Write the scoreboard through ``write(text, **markup)`` (pytest's terminal writer semantics)."""
    for qr in results:
        q = qr.question
        title = f" gradekit: {q.id} {q.title} (against {target_label}) "
        write(title.center(width, "="), bold=True)
        id_w = max(len(t.task.id) for t in qr.tasks) + 1
        title_w = min(34, max(len(t.task.title) for t in qr.tasks)) + 1
        write(f" {'task'.ljust(id_w)} {'title'.ljust(title_w)} {'points':>11}  {'status':<16} note")
        for tr in qr.tasks:
            pts = f"{fmt_points(tr.earned)}/{fmt_points(tr.task.points)}"
            name = tr.task.title if len(tr.task.title) < title_w else tr.task.title[: title_w - 4] + "..."
            status = tr.status
            colour = STATUS_COLOUR.get(status)
            line = f" {tr.task.id.ljust(id_w)} {name.ljust(title_w)} {pts:>11}  {status:<16} {tr.note}"
            write(line.rstrip(), **({colour: True} if colour else {}))
        total = f"{fmt_points(qr.earned)}/{fmt_points(qr.possible)}"
        ran = sum(1 for t in qr.tasks if t.verdicts)
        partial = "" if qr.complete else f"  (only {ran} of {len(qr.tasks)} tasks ran)"
        extra = " extra credit" if q.extra_credit else ""
        write(f" {(q.id + ' total').ljust(id_w + title_w + 1)} {total:>11}{extra}{partial}", bold=True)
        if q.written:
            pts = fmt_points(sum(w.points for w in q.written))
            ids = ", ".join(w.id for w in q.written)
            write(f" written answers {ids} ({pts} points) are graded by hand; see assignments/{q.id}/README.md")
    if len(results) > 1:
        earned = sum(r.earned for r in results)
        possible = sum(r.possible for r in results if not r.question.extra_credit)
        write(f" all questions: {fmt_points(earned)}/{fmt_points(possible)}".center(width, "="), bold=True)
