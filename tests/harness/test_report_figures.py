"""report.html shows the figures a submission saved in visible tests, inline; never a hidden test's."""

import base64
import json
import re

from gradekit.grade import results as grade_results
from gradekit.harness import figures

# A submission function that writes a small grey PNG by hand (no matplotlib: the test stays fast),
# with its title in a tEXt chunk: a figure drawn from a hidden test's inputs would carry them.
DRAW = """
import struct
import zlib


def mean(x):
    return float(sum(x) / len(x))


def save_png(path, title, side):
    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    rows = b"".join(b"\\x00" + bytes((7 * i + 11 * j) % 256 for i in range(side)) for j in range(side))
    png = (b"\\x89PNG\\r\\n\\x1a\\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", side, side, 8, 0, 0, 0, 0))
           + chunk(b"tEXt", b"Title\\x00" + title.encode()) + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b""))
    with open(path, "wb") as fh:
        fh.write(png)
    with open(str(path) + ".txt", "w") as fh:  # not a PNG: not a figure
        fh.write(title)
"""

VISIBLE = """
import pytest
import gradekit

stats = gradekit.submission("q1.stats")


@pytest.mark.task("q1.4")
def test_mean_figure(tmp_path):
    stats.save_png(tmp_path / "curve.png", "VISIBLE-TITLE", 12)
    assert (tmp_path / "curve.png").is_file()
"""

HIDDEN = """
import pytest
import gradekit


@pytest.mark.task("q1.4")
def test_secret_figure(tmp_path):
    gradekit.submission("q1.stats").save_png(tmp_path / "secret.png", "SECRET-TITLE", 7)
"""


def figure_page(course):
    """Run the sample course with a figure test, visible and hidden; return (page text, results.json)."""
    course.write("assignments/q1/test_figure.py", VISIBLE)
    course.write("solutions/q1/hidden/test_hidden_figure.py", HIDDEN)
    sub = course.submission("drawer", stats=DRAW)
    page_path = course.root / "report.html"
    result = course.run("--against", str(sub), "--with-hidden", "--gradekit-html", str(page_path))
    return page_path, result.report, sub


def expected_png(sub, tmp_path) -> bytes:
    """What the submission's save_png writes, run here directly (not through the harness)."""
    namespace: dict = {}
    exec((sub / "q1" / "stats.py").read_text(), namespace)
    namespace["save_png"](tmp_path / "direct.png", "VISIBLE-TITLE", 12)
    return (tmp_path / "direct.png").read_bytes()


def test_a_visible_tests_figure_is_inline_and_a_hidden_tests_is_not(course, tmp_path, render):
    page_path, report, sub = figure_page(course)
    text = page_path.read_text()
    sources = re.findall(r'<img src="data:image/png;base64,([^"]+)" alt="([^"]+)"', text)
    assert len(sources) == 1, sources
    data, alt = sources[0]
    assert base64.b64decode(data) == expected_png(sub, tmp_path)
    assert "curve.png" in alt and "q1.4" in alt
    assert "<h3>Figures of q1</h3>" in text
    assert "SECRET" not in text and "secret.png" not in text
    # The run's results.json carries the bytes: grade mode's pytest hands the figures on this way.
    entry = next(t for t in report["tests"] if t["number"] == "q1.4")
    assert [f["file"] for f in entry["extra_data"]["figures"]] == ["curve.png"]
    assert entry["extra_data"]["figures"][0]["width"] == 12
    # In Chromium, scripts off, on a phone's width: the figure decodes, the page fits the screen.
    facts = render(page_path, "report")
    assert facts["headings"][0] == "gradekit report" and "Figures of q1" in facts["headings"]
    assert [(i["width"], "curve.png" in i["alt"]) for i in facts["images"]] == [(12, True)]
    assert "SECRET" not in facts["html"] and not facts["wider_than_screen"]
    assert facts["screenshot"].read_bytes().startswith(figures.PNG_SIGNATURE)


def test_gradekit_grade_writes_figure_names_to_results_json_and_the_images_to_the_page(tmp_path):
    png = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\x0dIHDR" + (3).to_bytes(4, "big") + (2).to_bytes(4, "big") + b"rest"
    (tmp_path / "fig").mkdir()
    (tmp_path / "fig" / "a.png").write_bytes(png)
    (tmp_path / "fig" / "b.png").write_bytes(b"GIF89a not a png")
    found = figures.collect(tmp_path / "fig", "test_a")
    assert [(f["file"], f["width"], f["height"]) for f in found] == [("a.png", 3, 2)]
    results = {"tests": [{"name": "q1.1 add", "number": "q1.1", "score": 1, "max_score": 1, "output": "passed"}]}
    figures.attach(results, {"q1.1": found + found})  # the same image from two tests: shown once
    grade_results.write_all(tmp_path / "out", results, None)
    on_disk = json.loads((tmp_path / "out" / "results.json").read_text())
    assert on_disk["tests"][0]["extra_data"]["figures"] == [
        {"file": "a.png", "test": "test_a", "width": 3, "height": 2}
    ]
    page = (tmp_path / "out" / "report.html").read_text()
    assert page.count("<img ") == 1 and base64.b64encode(png).decode() in page
