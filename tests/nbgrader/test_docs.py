"""docs/nbgrader.md: every shell block runs as written, in order, in a fresh home folder."""

from __future__ import annotations

import csv
import os
import re
import subprocess
from pathlib import Path

from gradekit.course.questions import load_question

REPO = Path(__file__).resolve().parents[2]
DOC = REPO / "docs" / "nbgrader.md"


def shell_blocks(text: str) -> list[str]:
    return re.findall(r"^```bash\n(.*?)^```", text, flags=re.S | re.M)


def test_the_instructors_path_runs_as_written(tmp_path):
    blocks = shell_blocks(DOC.read_text())
    assert len(blocks) >= 6, "the instructor's path is missing from docs/nbgrader.md"
    # One shell, from the repository root, as a reader following the page would type the commands.
    script = 'set -euo pipefail\ncd "$REPO"\n' + "\n".join(blocks)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("JUPYTER", "VIRTUAL_ENV"))}
    env.update(HOME=str(tmp_path), REPO=str(REPO))
    run = subprocess.run(["bash", "-c", script], env=env, capture_output=True, text=True, timeout=1800)
    assert run.returncode == 0, f"{run.stdout[-3000:]}\n{run.stderr[-5000:]}"
    course = tmp_path / "cnn-course"
    rows = list(csv.DictReader((course / "grades.csv").open()))
    # The untouched release was submitted for q1 only; q3 was generated but never submitted.
    maxima = {
        q: load_question(REPO / "assignments" / q).points
        + sum(w.points for w in load_question(REPO / "assignments" / q).written)
        for q in ("q1", "q3")
    }
    assert {(r["question"], float(r["score"]), float(r["max_score"])) for r in rows} == {
        ("q1", 0.0, maxima["q1"]),
        ("q3", 0.0, maxima["q3"]),
    }
    assert (course / "nbgrader-grades.csv").is_file()
    assert list((tmp_path / "student" / "q1" / "feedback").rglob("q1.html"))
