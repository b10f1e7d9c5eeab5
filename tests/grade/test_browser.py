"""The class dashboard and each student's report.html, rendered in Chromium (scripts off).

Both read the demo class grade-all graded once (the graded_class fixture). The dashboard's
screenshot is also the README's picture, docs/dashboard.png: `GRADEKIT_UPDATE_SCREENSHOTS=1
pytest tests/grade/test_browser.py` rewrites it from this test's render; every other run checks
that the committed file is a PNG of the width this test renders at.
"""

import os
import runpy
import struct
from pathlib import Path

import numpy as np
import pytest

from .conftest import COURSE

REPO = Path(__file__).resolve().parents[2]
SCREENSHOT = REPO / "docs" / "dashboard.png"
DESKTOP = 1000  # the README picture's width in CSS pixels


def hidden_expected_values() -> list[str]:
    """The values the fixture course's hidden tests expect, computed here from its reference
    solution with the hidden tests' own seeds, each as its first five digits: a prefix of how any
    message shows it (assert_close writes 10 significant digits, numpy's repr 8)."""
    reference = runpy.run_path(str(COURSE / "solutions" / "q1" / "arith.py"))
    rng = np.random.default_rng(11)
    a, b = rng.standard_normal(7), rng.standard_normal(7)
    x = np.random.default_rng(12).standard_normal(6)
    cube = np.random.default_rng(13).standard_normal((2, 3, 4))
    values = [*reference["add"](a, b), *reference["scale"](x, -2.5), reference["describe"](cube)["mean"]]
    return [f"{abs(float(v)):.9f}"[:6] for v in values]


def png_size(path: Path) -> tuple[int, int]:
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and data[12:16] == b"IHDR", f"{path} is not a PNG"
    return struct.unpack(">II", data[16:24])


def test_the_dashboard_renders_one_row_per_student_and_no_hidden_value(graded_class, render):
    students = ["alice", "bob", "carol", "dave"]
    facts = render(graded_class.out / "index.html", "dashboard", width=DESKTOP)
    assert facts["headings"][0] == "Class dashboard"
    assert {"Scores per question", "Tasks", "Similar submissions", "Students"} <= set(facts["headings"])
    assert facts["rows"][-1] == len(students)  # the students' table, one row each
    for student in students:
        assert f'href="submissions/{student}/report.html"' in facts["html"]
    assert "aria-label" in facts["html"] and not facts["wider_than_screen"]
    leaked = [v for v in hidden_expected_values() if v in facts["html"]]
    assert not leaked, f"hidden tests' expected values on the dashboard: {leaked}"
    width, height = png_size(facts["screenshot"])
    if os.environ.get("GRADEKIT_UPDATE_SCREENSHOTS") == "1":
        SCREENSHOT.write_bytes(facts["screenshot"].read_bytes())
    if not SCREENSHOT.is_file():
        pytest.fail(f"{SCREENSHOT} is missing: GRADEKIT_UPDATE_SCREENSHOTS=1 pytest {Path(__file__).name} writes it")
    committed = png_size(SCREENSHOT)
    assert committed[0] == width and committed[1] >= 400, (
        f"{SCREENSHOT} is {committed}, this render {width}x{height}: rewrite it with GRADEKIT_UPDATE_SCREENSHOTS=1"
    )


def test_every_students_report_renders_without_a_hidden_value(graded_class, render):
    expected = hidden_expected_values()
    for student in ("alice", "bob", "carol", "dave"):
        facts = render(graded_class.out / "submissions" / student / "report.html", f"report-{student}")
        assert facts["headings"][0] == "gradekit report" and facts["headings"][1].startswith("q1:"), student
        assert facts["rows"] == [1 + 3], student  # q1's table: a heading row and its three tasks
        assert not facts["wider_than_screen"], student
        leaked = [v for v in expected if v in facts["html"]]
        assert not leaked, f"{student}'s report shows hidden tests' expected values: {leaked}"
