"""``gradekit export canvas``: grade-all's scores.csv as the CSV Canvas's gradebook import takes.

Canvas imports a CSV whose first columns are ``Student, ID, SIS User ID, SIS Login ID, Section``
(as its own gradebook export writes them) followed by one column per assignment, headed by the
assignment's name. The roster is such an export from the course's gradebook; each row of
scores.csv (one per submission folder) is matched to a roster row by the column the instructor
names (``--match``, by default ``SIS Login ID``). A student in one file and not the other is an
error that lists them: a grade is never written for the wrong person nor dropped silently.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

from gradekit.harness.reports import atomic_write

IDENTITY = ["Student", "ID", "SIS User ID", "SIS Login ID", "Section"]


class CanvasError(ValueError):
    """The scores and the roster do not fit together; the message says how."""


def _rows(path: Path, what: str) -> list[dict]:
    try:
        text = Path(path).read_text(encoding="utf-8-sig")  # Canvas writes a byte-order mark
    except OSError as exc:
        raise CanvasError(f"cannot read the {what} {path}: {exc.strerror}") from None
    return list(csv.DictReader(io.StringIO(text)))


def gradebook(
    scores: Path,
    roster: Path,
    match: str = "SIS Login ID",
    assignment: str = "gradekit",
    per_question: bool = False,
    allow_missing: bool = False,
) -> str:
    """The import CSV's text; CanvasError when a student is in one file and not the other."""
    score_rows = _rows(scores, "scores")
    roster_rows = [r for r in _rows(roster, "roster") if (r.get("Student") or "").strip() != "Points Possible"]
    if not roster_rows or match not in roster_rows[0]:
        raise CanvasError(
            f"the roster has no {match!r} column (columns: {', '.join(roster_rows[0]) if roster_rows else 'none'})"
        )
    if not score_rows or "student" not in score_rows[0]:
        raise CanvasError(f"{scores} is not a grade-all scores.csv (no 'student' column)")
    by_key = {(r[match] or "").strip(): r for r in roster_rows}
    graded = {r["student"].strip(): r for r in score_rows}
    unknown = sorted(set(graded) - set(by_key))
    if unknown:
        raise CanvasError(f"in the scores but not in the roster's {match!r} column: {', '.join(unknown)}")
    missing = sorted(set(by_key) - set(graded))
    if missing and not allow_missing:
        raise CanvasError(
            f"in the roster but without a score: {', '.join(missing)} (no submission? --allow-missing leaves their cells empty)"
        )
    questions = [c for c in score_rows[0] if c.startswith("q") and c[1:].isdigit()]
    columns = [f"{assignment} {q}" for q in questions] if per_question else [assignment]
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(IDENTITY + columns)
    for key, person in by_key.items():
        row = graded.get(key)
        if row is None:
            values = [""] * len(columns)
        elif per_question:
            values = [row.get(q, "") for q in questions]
        else:
            values = [row.get("total", "")]
        writer.writerow([person.get(c, "") for c in IDENTITY] + values)
    return out.getvalue()


def main(
    scores: str, roster: str, out: str, match: str, assignment: str, per_question: bool, allow_missing: bool
) -> int:
    import sys

    try:
        text = gradebook(Path(scores), Path(roster), match, assignment, per_question, allow_missing)
    except CanvasError as exc:
        print(f"gradekit export canvas: {exc}", file=sys.stderr)
        return 2
    atomic_write(Path(out), text)
    print(f"wrote {out}: import it in Canvas under Grades > Import")
    return 0
