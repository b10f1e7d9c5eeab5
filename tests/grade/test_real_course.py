"""The course's real questions in grade mode: the reference solutions earn 100, the untouched stubs 0."""

import json
import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def real_questions() -> list[str]:
    found = [
        p.name for p in (REPO / "solutions").glob("q*") if (REPO / "assignments" / p.name / "tasks.toml").is_file()
    ]
    return sorted(found, key=lambda q: int(q[1:]))


def grade(target: str, out: Path) -> dict:
    env = {k: v for k, v in os.environ.items() if k != "GRADEKIT_COURSE"}
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "gradekit",
            "grade",
            target,
            "--out",
            str(out),
            "--questions",
            ",".join(real_questions()),
        ],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=3600,
    )
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    return json.loads((out / "results.json").read_text())


def test_reference_solutions_score_100_per_question_in_grade_mode(tmp_path):
    results = grade("solutions", tmp_path / "out")
    lost = [
        (t["number"], t["score"], t["max_score"], t["output"][:200])
        for t in results["tests"]
        if t["score"] < t["max_score"]
    ]
    assert not lost, lost
    assert results["score"] == 100 * len(real_questions())
    # The figure tasks' PNGs are inline in report.html; results.json names them without their bytes.
    figures = {
        t["number"]: t["extra_data"]["figures"] for t in results["tests"] if "figures" in t.get("extra_data", {})
    }
    assert set(figures) == {"q2.3", "q5.5", "q6.8", "q7.7", "q9.2", "q9.4"}, figures
    assert not any("png_base64" in f for found in figures.values() for f in found)
    page = (tmp_path / "out" / "report.html").read_text()
    assert page.count('<img src="data:image/png;base64,') == sum(len(found) for found in figures.values())


def test_untouched_stubs_score_0_not_implemented_in_grade_mode(tmp_path):
    results = grade("assignments", tmp_path / "out")
    assert results["score"] == 0
    for t in results["tests"]:
        assert t["output"].startswith("not implemented yet"), (t["number"], t["output"])
