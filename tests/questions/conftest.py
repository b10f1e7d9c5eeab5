"""Run a question's tests against some target in a fresh pytest process and read back the points.

A fresh process per run keeps each target's modules apart, exactly as a student or CI would run it.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]


def question_ids() -> list[str]:
    """Questions that have both a solution and a task table."""
    found = [
        p.name for p in (REPO / "solutions").glob("q*") if (REPO / "assignments" / p.name / "tasks.toml").is_file()
    ]
    return sorted(found, key=lambda q: int(q[1:]))


def run_question(
    question: str,
    against: str | Path,
    out_dir: Path,
    *,
    hidden: bool = True,
    tasks: list[str] | None = None,
    timeout: float = 900,
) -> dict[str, dict]:
    """Grade ``question`` against ``against``; return {task id: gradescope test entry}."""
    report = out_dir / f"{question}-results.json"
    args = [
        sys.executable,
        "-m",
        "pytest",
        f"assignments/{question}",
        "--against",
        str(against),
        "--gradekit-json",
        str(report),
        "-q",
        "-p",
        "no:cacheprovider",
        "--no-header",
    ]
    if hidden:
        args.append("--with-hidden")
    for task in tasks or []:
        args += ["--task", task]
    env = dict(os.environ, PYTHONDONTWRITEBYTECODE="1")
    proc = subprocess.run(args, cwd=REPO, capture_output=True, text=True, timeout=timeout, env=env)
    if not report.is_file():
        pytest.fail(
            f"pytest wrote no report for {question} against {against} (exit {proc.returncode}):\n"
            f"{proc.stdout[-3000:]}\n{proc.stderr[-3000:]}"
        )
    data = json.loads(report.read_text())
    entries = {t["number"]: t for t in data["tests"]}
    entries["_output"] = proc.stdout
    return entries


@pytest.fixture
def grade_question(tmp_path):
    def run(question, against, **kw):
        return run_question(question, against, tmp_path, **kw)

    return run


def mutant_files() -> list[Path]:
    return sorted((Path(__file__).parent / "mutants").glob("q*/*.py"))


def pytest_generate_tests(metafunc):
    # Parametrize here (not by importing this file) because tests run in importlib mode.
    if "question" in metafunc.fixturenames:
        metafunc.parametrize("question", question_ids())
    if "mutant" in metafunc.fixturenames:
        files = mutant_files()
        metafunc.parametrize("mutant", files, ids=[f"{p.parent.name}-{p.stem}" for p in files])
