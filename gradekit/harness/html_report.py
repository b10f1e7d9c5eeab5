"""``report.html``: one submission's results as a page to look at, from its results.json.

Written by ``gradekit grade`` beside results.json and by ``pytest assignments/qN --gradekit-html
FILE`` for a local run. The page holds everything in itself (inline CSS, no script, no image or
font from the network), reads on a phone (one column, tables that scroll), and is built for
screen readers (headings per question, a caption per table, speed bars with a text equivalent,
colour never the only sign of a status). It shows what results.json holds and nothing more: a
hidden test's failure appears by its name only, as in every other report. The figures the
submission saved in visible tests (each task's ``extra_data.figures``, see
:mod:`gradekit.harness.figures`) are inline PNG data URIs, each with alt text and a caption.
"""

from __future__ import annotations

import html
from collections import OrderedDict

STYLE = """
body{font:16px/1.5 system-ui,sans-serif;color:#1b1b1b;background:#fff;margin:0 auto;max-width:60rem;padding:1rem}
h1{font-size:1.6rem}h2{font-size:1.25rem;margin-top:2rem;border-bottom:2px solid #444}
.scroll{overflow-x:auto}table{border-collapse:collapse;width:100%}caption{text-align:left;font-weight:600}
th,td{border:1px solid #888;padding:.35rem .5rem;vertical-align:top;text-align:left}
th{background:#eee}.passed{color:#0b5d1e}.failed{color:#8a1111}.partial{color:#6b4500}
pre{white-space:pre-wrap;word-break:break-word;margin:0;font-size:.9rem}
.bar{background:#ddd;height:1rem;width:100%;max-width:16rem;border:1px solid #555}
.bar span{display:block;height:100%;background:#1f5fa8}
dl{display:grid;grid-template-columns:max-content 1fr;gap:.25rem 1rem}dt{font-weight:600}
h3{font-size:1.1rem}figure{margin:1rem 0}img{max-width:100%;height:auto;border:1px solid #888}
figcaption{font-size:.9rem;overflow-wrap:anywhere}
"""


def _status(test: dict) -> str:
    if test.get("score", 0) >= test.get("max_score", 0):
        return "passed"
    return "partial" if test.get("score", 0) > 0 else "failed"


def _points(x: float) -> str:
    return f"{x:g}"


def _speed_cell(extra: dict) -> str:
    ratio, target = extra.get("speed_ratio"), extra.get("speed_target")
    if ratio is None or not target:
        return ""
    filled = max(0.0, min(ratio / target, 1.0)) * 100
    label = f"measured {ratio:.2f}x the reference's speed; the target is {target:g}x"
    return (
        f'<div class="bar" role="img" aria-label="{html.escape(label)}"><span style="width:{filled:.0f}%"></span></div>'
        f"<div>{html.escape(label)}</div>"
    )


def _figures(question: str, entries: list[dict]) -> list[str]:
    """The figures the question's tasks saved, each inline with alt text naming what drew it."""
    e = html.escape
    parts = []
    for test in entries:
        for fig in (test.get("extra_data") or {}).get("figures", []):
            if not fig.get("png_base64"):  # a results.json from `gradekit grade` names figures only
                continue
            what = f"the submission's figure {fig.get('file', '')} for task {test.get('name', '')}"
            # The PNG's own size lets the browser lay the page out before decoding; CSS scales it down.
            size = "".join(f' {k}="{int(fig[k])}"' for k in ("width", "height") if int(fig.get(k) or 0) > 0)
            parts.append(
                f'<figure><img src="data:image/png;base64,{e(str(fig["png_base64"]))}" alt="{e(what)}"{size}>'
                f"<figcaption>{e(what)} (test {e(str(fig.get('test', '')))})</figcaption></figure>"
            )
    if parts:
        parts.insert(0, f"<h3>Figures of {e(question)}</h3>")
    return parts


def _questions(results: dict) -> "OrderedDict[str, list[dict]]":
    grouped: OrderedDict[str, list[dict]] = OrderedDict()
    for test in results.get("tests", []):
        question = str(test.get("number", "q?.?")).split(".")[0]
        grouped.setdefault(question, []).append(test)
    return grouped


def render(results: dict, readme: str = "assignments/{q}/README.md") -> str:
    """The page for one results.json. ``readme`` is where each question's README is, relative to
    where the page will be opened ({q} becomes the question id)."""
    e = html.escape
    tests = results.get("tests", [])
    earned = sum(t.get("score", 0) for t in tests)
    possible = sum(t.get("max_score", 0) for t in tests if "extra credit" not in t.get("tags", []))
    parts = [
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>gradekit report: {_points(earned)} points</title><style>{STYLE}</style></head><body>",
        "<main>",
        "<h1>gradekit report</h1>",
        f"<p><strong>{_points(earned)} of {_points(possible)} points</strong></p>",
    ]
    if results.get("output"):
        parts.append(f"<pre>{e(str(results['output']))}</pre>")
    for question, entries in _questions(results).items():
        q_earned = sum(t.get("score", 0) for t in entries)
        q_possible = sum(t.get("max_score", 0) for t in entries)
        link = e(readme.format(q=question))
        parts += [
            f'<section aria-labelledby="{e(question)}">',
            f'<h2 id="{e(question)}">{e(question)}: {_points(q_earned)} of {_points(q_possible)} points</h2>',
            f'<p><a href="{link}">What {e(question)} asks (its README)</a></p>',
            '<div class="scroll"><table>',
            f"<caption>Tasks of {e(question)}</caption>",
            '<tr><th scope="col">task</th><th scope="col">points</th><th scope="col">status</th>'
            '<th scope="col">what happened</th></tr>',
        ]
        for test in entries:
            status = _status(test)
            extra = test.get("extra_data", {}) or {}
            message = extra.get("message") or test.get("output", "")
            cell = _speed_cell(extra) + (f"<pre>{e(str(message))}</pre>" if status != "passed" or message else "")
            parts.append(
                f'<tr><th scope="row">{e(str(test.get("name", "")))}</th>'
                f"<td>{_points(test.get('score', 0))} / {_points(test.get('max_score', 0))}</td>"
                f'<td class="{status}">{status}</td><td>{cell}</td></tr>'
            )
        parts.append("</table></div>")
        parts += _figures(question, entries)
        parts.append("</section>")
    protections = (results.get("extra_data") or {}).get("protections") or {}
    if protections:
        parts += ['<section aria-labelledby="protections">', '<h2 id="protections">How it was graded</h2>', "<dl>"]
        parts += [f"<dt>{e(str(k))}</dt><dd>{e(str(v))}</dd>" for k, v in protections.items()]
        parts.append("</dl></section>")
    parts.append("</main></body></html>\n")
    return "\n".join(parts)
