"""``DIR/index.html``: the class at a glance, rewritten by grade-all after every finished grading.

Per-question score histograms and a per-task pass-rate chart (inline SVG, each with a text
equivalent), the most common failure messages per task, the spread of measured speed ratios on
each speed task, grading time per submission, the submissions not graded and why, the pairs
flagged as similar (when DIR/similarity.csv exists), and a table of students linking to each
student's report.html. Self-contained: inline CSS and SVG; a few lines of script only make the
table sortable, and the page reads the same without them.
"""

from __future__ import annotations

import csv
import html
from collections import Counter
from pathlib import Path

from gradekit.harness.html_report import STYLE

BAR = "#1f5fa8"
BINS = 10


def _histogram(values: list[float], top: float, label: str) -> str:
    """An SVG bar chart of ``values`` in BINS equal bins from 0 to ``top``."""
    counts = [0] * BINS
    for v in values:
        counts[min(int(v / top * BINS), BINS - 1) if top > 0 else 0] += 1
    peak = max(counts) or 1
    width, height = 320, 120
    bar = width / BINS
    rects = []
    for i, n in enumerate(counts):
        h = (height - 20) * n / peak
        lo, hi = top * i / BINS, top * (i + 1) / BINS
        rects.append(
            f'<rect x="{i * bar + 1:.1f}" y="{height - 20 - h:.1f}" width="{bar - 2:.1f}" height="{h:.1f}" fill="{BAR}">'
            f"<title>{lo:g}-{hi:g}: {n}</title></rect>"
        )
    axis = f'<text x="0" y="{height - 4}" font-size="11">0</text><text x="{width - 30}" y="{height - 4}" font-size="11">{top:g}</text>'
    text = ", ".join(f"{top * i / BINS:g}-{top * (i + 1) / BINS:g}: {n}" for i, n in enumerate(counts) if n)
    return (
        f'<svg role="img" aria-label="{html.escape(label + ". " + text)}" viewBox="0 0 {width} {height}" '
        f'width="100%" style="max-width:{width}px">{"".join(rects)}{axis}</svg>'
    )


def _rates(rates: list[tuple[str, float]]) -> str:
    """An SVG of horizontal bars: the share of students with full points on each task."""
    row, width = 18, 320
    parts = []
    for i, (task, rate) in enumerate(rates):
        y = i * row
        parts.append(
            f'<text x="0" y="{y + 13}" font-size="12">{html.escape(task)}</text>'
            f'<rect x="60" y="{y + 3}" width="{(width - 110) * rate:.1f}" height="{row - 6}" fill="{BAR}"></rect>'
            f'<text x="{width - 45}" y="{y + 13}" font-size="12">{rate:.0%}</text>'
        )
    label = "share of students with full points: " + ", ".join(f"{t} {r:.0%}" for t, r in rates)
    return (
        f'<svg role="img" aria-label="{html.escape(label)}" viewBox="0 0 {width} {row * len(rates)}" width="100%" '
        f'style="max-width:{width}px">{"".join(parts)}</svg>'
    )


SORT = """<script>
document.querySelectorAll('table.sortable th').forEach(function (th, col) {
  th.addEventListener('click', function () {
    var body = th.closest('table').tBodies[0], rows = Array.from(body.rows);
    var num = rows.every(function (r) { return !isNaN(parseFloat(r.cells[col].textContent)); });
    rows.sort(function (a, b) {
      var x = a.cells[col].textContent, y = b.cells[col].textContent;
      return num ? parseFloat(y) - parseFloat(x) : x.localeCompare(y);
    });
    rows.forEach(function (r) { body.appendChild(r); });
  });
});
</script>"""


def render(out: Path, students: list[str], results: dict[str, dict], failures: dict[str, str], stats: dict) -> str:
    """The page; ``results`` maps each graded student to their results.json."""
    e = html.escape
    q_scores: dict[str, list[float]] = {}
    task_points: dict[str, float] = {}
    task_full, task_seen, task_msgs, ratios = Counter(), Counter(), {}, {}
    for res in results.values():
        per_q: dict[str, float] = {}
        for t in res.get("tests", []):
            q = t["number"].split(".")[0]
            per_q[q] = per_q.get(q, 0) + t["score"]
            task_seen[t["number"]] += 1
            if t["score"] >= t["max_score"]:
                task_full[t["number"]] += 1
            else:
                task_msgs.setdefault(t["number"], Counter())[str(t.get("output", ""))[:160]] += 1
            ratio = (t.get("extra_data") or {}).get("speed_ratio")
            if ratio is not None:
                ratios.setdefault(t["number"], []).append(ratio)
        for q, v in per_q.items():
            q_scores.setdefault(q, []).append(v)
        for t in res.get("tests", []):  # each task's points, once: a question's maximum is their sum
            task_points[t["number"]] = t["max_score"]
    q_max: dict[str, float] = {}
    for task, points in task_points.items():
        q_max[task.split(".")[0]] = q_max.get(task.split(".")[0], 0) + points
    order = sorted(q_scores, key=lambda q: int(q[1:]))
    tasks = sorted(task_seen, key=lambda t: tuple(int(x) for x in t[1:].split(".")))
    parts = [
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>gradekit: class dashboard</title><style>{STYLE}</style></head><body><main>",
        "<h1>Class dashboard</h1>",
        f"<p>{len(results)} of {len(students)} submissions graded, {len(failures)} not graded; "
        f"{stats.get('per_minute', 0):.2f} submissions per minute with {e(str(stats.get('engine', '')))}.</p>",
        '<section aria-labelledby="scores"><h2 id="scores">Scores per question</h2>',
    ]
    for q in order:
        parts += [
            f"<h3>{e(q)} (out of {q_max.get(q, 0):g})</h3>",
            _histogram(q_scores[q], q_max.get(q, 0), f"{q} scores"),
        ]
    parts.append("</section>")
    if tasks:
        rates = [(t, task_full[t] / task_seen[t]) for t in tasks]
        parts += ['<section aria-labelledby="tasks"><h2 id="tasks">Tasks</h2>', _rates(rates)]
        parts += ['<div class="scroll"><table><caption>Most common reasons for missing points</caption>']
        parts.append(
            '<tr><th scope="col">task</th><th scope="col">below full points</th><th scope="col">reasons (count)</th></tr>'
        )
        for t in tasks:
            common = "<br>".join(f"{e(m)} ({n})" for m, n in task_msgs.get(t, Counter()).most_common(3))
            parts.append(
                f'<tr><th scope="row">{e(t)}</th><td>{task_seen[t] - task_full[t]} of {task_seen[t]}</td><td>{common}</td></tr>'
            )
        parts.append("</table></div></section>")
    if ratios:
        parts.append('<section aria-labelledby="speed"><h2 id="speed">Speed ratios</h2>')
        for t, values in sorted(ratios.items()):
            parts += [f"<h3>{e(t)}</h3>", _histogram(values, max(values) or 1.0, f"{t} measured speed ratios")]
        parts.append("</section>")
    similar = out / "similarity.csv"
    if similar.is_file():
        flagged = [r for r in csv.DictReader(similar.open()) if r.get("flagged") == "yes"]
        parts.append('<section aria-labelledby="similar"><h2 id="similar">Similar submissions</h2>')
        if flagged:
            parts.append("<ul>")
            parts += [
                f"<li>{e(r['question'])}: {e(r['student_a'])} and {e(r['student_b'])}, similarity {float(r['similarity']):.0%}"
                f' (<a href="similarity/{e(r["question"])}-{e(r["student_a"])}-{e(r["student_b"])}.html">side by side</a>)</li>'
                for r in flagged
            ]
            parts.append("</ul>")
        else:
            parts.append("<p>No pair above the threshold.</p>")
        parts.append("</section>")
    if failures:
        parts.append('<section aria-labelledby="failed"><h2 id="failed">Not graded</h2><ul>')
        parts += [f"<li>{e(s)}: {e(why)}</li>" for s, why in sorted(failures.items())]
        parts.append("</ul></section>")
    parts += [
        '<section aria-labelledby="students"><h2 id="students">Students</h2>',
        '<div class="scroll"><table class="sortable"><caption>One row per submission (click a heading to sort)</caption>',
        "<thead><tr>"
        + "".join(f'<th scope="col">{e(c)}</th>' for c in ["student", *order, "total", "grading seconds"])
        + "</tr></thead><tbody>",
    ]
    for s in students:
        res = results.get(s)
        if res is None:
            cells = ["" for _ in order] + ["", ""]
            name = e(s)
        else:
            per_q = {q: sum(t["score"] for t in res["tests"] if t["number"].split(".")[0] == q) for q in order}
            seconds = (res.get("extra_data") or {}).get("grading_seconds", "")
            cells = [f"{per_q.get(q, 0):g}" for q in order] + [f"{sum(per_q.values()):g}", f"{seconds}"]
            name = f'<a href="submissions/{e(s)}/report.html">{e(s)}</a>'
        parts.append(f'<tr><th scope="row">{name}</th>' + "".join(f"<td>{c}</td>" for c in cells) + "</tr>")
    parts += ["</tbody></table></div></section>", "</main>", SORT, "</body></html>\n"]
    return "\n".join(parts)
