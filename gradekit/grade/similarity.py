"""``gradekit similarity ROOT --out DIR``: which submissions share their code, question by question.

Each student's module files of a question (as staging takes them, so archives work too) are
fingerprinted with copydetect, the winnowing (MOSS-style) detector: identifiers and literals are
normalised before hashing, so renamed variables, moved functions and changed comments do not
hide a copy. The question's released stubs are the boilerplate: what every student got does not
count. Every pair is scored in ``DIR/similarity.csv`` (question, student_a, student_b,
similarity, flagged), where similarity is the mean of the two shares of each file found in the
other; pairs at or over the threshold are flagged and get a side-by-side page in
``DIR/similarity/`` with the matching regions marked. A flag is a reason to look, not a verdict.
"""

from __future__ import annotations

import csv
import html
import io
import itertools
import shutil
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from gradekit.course.questions import question_folders
from gradekit.grade import staging
from gradekit.harness.reports import atomic_write

THRESHOLD = 0.5
K = 25  # tokens per fingerprinted k-gram (copydetect's noise threshold)
WINDOW = 1  # winnowing window: every k-gram kept (submissions are small)


@dataclass
class Pair:
    question: str
    student_a: str
    student_b: str
    similarity: float
    flagged: bool
    page: str = ""


def _fingerprint(text: str, name: str, boilerplate):
    from copydetect import CodeFingerprint

    return CodeFingerprint(name, K, WINDOW, boilerplate=boilerplate, language="python", fp=io.StringIO(text))


def _question_text(folder: Path) -> str:
    return "\n\n".join(p.read_text(errors="replace") for p in sorted(folder.glob("*.py")))


def compare(root: Path, out: Path, course: Path, questions=None, threshold: float = THRESHOLD) -> list[Pair]:
    """Score every pair of submissions under ``root`` per question; write similarity.csv and the pages."""
    try:
        from copydetect import compare_files
        from copydetect.utils import highlight_overlap
    except ImportError:
        raise RuntimeError("similarity needs copydetect: pip install copydetect") from None
    from gradekit.grade.grade_all import find_submissions

    work = Path(tempfile.mkdtemp(prefix="gradekit-similarity-"))
    pairs: list[Pair] = []
    try:
        texts: dict[str, dict[str, str]] = {}
        for sub in find_submissions(root).submissions:
            try:
                staged = staging.stage(sub.path, course, work / sub.student, questions)
            except (OSError, staging.StagingError):
                continue  # grade-all reports an unreadable submission; there is nothing to compare
            for q in staged.questions:
                texts.setdefault(q, {})[sub.student] = _question_text(staged.root / q)
        asked = questions or [q.name for q in question_folders(course / "assignments")]
        for q in [q for q in asked if q in texts]:
            stub = _fingerprint(_question_text(course / "assignments" / q), "stub.py", None)
            boilerplate = np.array(sorted(stub.hashes), dtype=np.int64)
            prints = {s: _fingerprint(t, f"{s}.py", boilerplate) for s, t in sorted(texts[q].items())}
            for a, b in itertools.combinations(sorted(prints), 2):
                _, (share_a, share_b), (slices_a, slices_b) = compare_files(prints[a], prints[b])
                score = (float(share_a) + float(share_b)) / 2
                pair = Pair(q, a, b, round(score, 4), score >= threshold)
                if pair.flagged:
                    pair.page = f"similarity/{q}-{a}-{b}.html"
                    left = highlight_overlap(prints[a].raw_code, slices_a, "<mark>", "</mark>", escape_html=True)[0]
                    right = highlight_overlap(prints[b].raw_code, slices_b, "<mark>", "</mark>", escape_html=True)[0]
                    atomic_write(out / pair.page, _side_by_side(pair, left, right))
                pairs.append(pair)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(["question", "student_a", "student_b", "similarity", "flagged"])
    writer.writerows(
        [p.question, p.student_a, p.student_b, f"{p.similarity:.4f}", "yes" if p.flagged else "no"] for p in pairs
    )
    atomic_write(out / "similarity.csv", buf.getvalue())
    return pairs


def _side_by_side(pair: Pair, left: str, right: str) -> str:
    e = html.escape
    return (
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{e(pair.question)}: {e(pair.student_a)} and {e(pair.student_b)}</title>"
        "<style>body{font:15px/1.4 system-ui,sans-serif;margin:1rem}"
        ".cols{display:flex;flex-wrap:wrap;gap:1rem}.cols section{flex:1 1 28rem;min-width:0}"
        "pre{white-space:pre-wrap;border:1px solid #888;padding:.5rem}mark{background:#ffe08a}</style></head><body><main>"
        f"<h1>{e(pair.question)}: {e(pair.student_a)} and {e(pair.student_b)}, similarity {pair.similarity:.0%}</h1>"
        "<p>Marked: code found in both, after names and literals are normalised and the stubs left out.</p>"
        f'<div class="cols"><section><h2>{e(pair.student_a)}</h2><pre>{left}</pre></section>'
        f"<section><h2>{e(pair.student_b)}</h2><pre>{right}</pre></section></div></main></body></html>\n"
    )


def main(root: str, out: str, questions=None, threshold: float = THRESHOLD) -> int:
    from gradekit.grade.grade import course_root

    try:
        pairs = compare(Path(root), Path(out), course_root(), questions, threshold)
    except (RuntimeError, OSError) as exc:
        print(f"gradekit similarity: {exc}", file=sys.stderr)
        return 2
    flagged = [p for p in pairs if p.flagged]
    print(f"{len(pairs)} pairs compared, {len(flagged)} at or over {threshold:.0%}; see {Path(out) / 'similarity.csv'}")
    for p in flagged:
        print(f"  {p.question}: {p.student_a} and {p.student_b} ({p.similarity:.0%}) {Path(out) / p.page}")
    return 0
