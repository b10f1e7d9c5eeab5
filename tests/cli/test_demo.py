"""`gradekit demo`: both scoreboards and the reports, on a fast question."""

import json
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def test_demo_grades_solutions_full_and_stubs_zero(tmp_path):
    out = tmp_path / "reports"
    proc = subprocess.run(
        [sys.executable, "-m", "gradekit", "demo", "--questions", "q1", "--out", str(out)],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    assert "(against solutions)" in proc.stdout and "(against assignments)" in proc.stdout
    assert "gradekit demo: solutions 100/100; untouched stubs 0/100;" in proc.stdout
    for name in ("solutions", "stubs"):
        for report in ("results.json", "scores.csv", "junit.xml", "report.html"):
            assert (out / name / report).is_file(), f"{name}/{report} missing"
    assert f"open {out / 'solutions' / 'report.html'}" in proc.stdout
    page = (out / "solutions" / "report.html").read_text()
    readme = (out / "solutions" / Path(page.split('<a href="')[1].split('"')[0])).resolve()
    assert readme == REPO / "assignments" / "q1" / "README.md"  # the link works from where the page is
    stubs = json.loads((out / "stubs" / "results.json").read_text())
    assert all(t["output"].startswith("not implemented yet") for t in stubs["tests"])


def test_demo_rejects_an_unknown_question(tmp_path):
    proc = subprocess.run(
        [sys.executable, "-m", "gradekit", "demo", "--questions", "q99", "--out", str(tmp_path)],
        cwd=REPO,
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 2 and "no such question with solutions: q99" in proc.stderr
