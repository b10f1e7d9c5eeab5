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


def fmt_total(parts: list[tuple[str, float, float, bool]]) -> str:
    """All questions' points: the regular total, then extra credit apart (never "1000/900").

    ``parts`` holds ``(question id, earned, possible, extra_credit)`` per question.
    """
    regular = [(e, p) for _, e, p, extra in parts if not extra]
    text = f"{fmt_points(sum(e for e, _ in regular))}/{fmt_points(sum(p for _, p in regular))}"
    bonus = [(q, e, p) for q, e, p, extra in parts if extra]
    if bonus:
        earned, possible = sum(e for _, e, _ in bonus), sum(p for _, _, p in bonus)
        text += f", plus {fmt_points(earned)}/{fmt_points(possible)} extra credit ({', '.join(q for q, _, _ in bonus)})"
    return text


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
        parts = [(r.question.id, r.earned, r.possible, r.question.extra_credit) for r in results]
        write(f" all questions: {fmt_total(parts)} ".center(width, "="), bold=True)
