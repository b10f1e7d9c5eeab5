"""`gradekit release`: a student repository that runs, scores stubs 0 and solutions 100, and leaks nothing."""

from __future__ import annotations

import ast
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from gradekit.release import repo as release
from gradekit.release.stubs import solution_files

REPO = Path(__file__).resolve().parents[2]
# Fast questions whose whole visible suite runs in seconds: enough to prove the release works.
CHECKED = [q for q in ("q1", "q3") if (REPO / "solutions" / q).is_dir()]


@pytest.fixture(scope="module")
def student_repo(tmp_path_factory) -> Path:
    out = release.build(REPO, tmp_path_factory.mktemp("release") / "cnn-course")
    # A student builds the kernels with `pip install -e .`; reuse this checkout's build instead of
    # compiling again (the release ships the same csrc/).
    for built in (REPO / "gradekit").glob("_C*.so"):
        shutil.copy2(built, out / "gradekit" / built.name)
    return out


def _pytest(repo: Path, question: str, report: Path) -> dict:
    # PYTHONPATH makes the release's own gradekit package the one imported, as after a student's install.
    env = dict(os.environ, PYTHONPATH=str(repo), PYTHONDONTWRITEBYTECODE="1")
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            f"assignments/{question}",
            "--gradekit-json",
            str(report),
            "-q",
            "-p",
            "no:cacheprovider",
        ],
        cwd=repo,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert report.is_file(), f"no report from the release's pytest on {question}"
    return json.loads(report.read_text())


def test_there_are_questions_to_check():
    assert CHECKED, "solutions/q1 or solutions/q3 must exist for the release to be checked"


def test_release_has_no_solutions_hidden_tests_or_kit_tests(student_repo):
    names = {p.name for p in student_repo.iterdir()}
    assert {"assignments", "gradekit", "csrc", "setup.py", "README.md", "requirements.txt"} <= names
    assert not {"solutions", "tests", "benchmarks", ".ci"} & names
    assert not list(student_repo.rglob("hidden"))
    assert not list(student_repo.rglob("ANSWERS.md"))
    assert release.find_leaks(student_repo, REPO) == []


def test_no_solution_body_is_in_the_release(student_repo):
    blocks = release.solution_blocks(REPO)
    assert blocks, "found no solution code to look for: the check would prove nothing"
    # Independent of find_leaks: the whole release as one text, whitespace collapsed, searched for
    # each multi-line block's pieces written one after the other; no block may be there whole.
    text = "\n".join(
        " ".join(line.split())
        for p in student_repo.rglob("*")
        if p.is_file()
        for line in p.read_text(errors="ignore").splitlines()
        if line.strip()
    )
    whole = [b.origin for b in blocks if all("\n".join(piece) in text for piece in b.prints)]
    assert not whole, f"solution blocks in the release: {whole[:5]}"


def _long_block():
    return next(b for b in release.solution_blocks(REPO) if len(b.prints) >= 4)


def test_leak_check_catches_a_planted_solution_block(student_repo, tmp_path):
    copy = tmp_path / "leaky"
    shutil.copytree(student_repo, copy, ignore=shutil.ignore_patterns("*.so"))
    block = _long_block()
    solution = (REPO / block.origin.split(":")[0]).read_text().splitlines()
    start = int(block.origin.split(":")[1]) - 1
    end = next(i for i in range(start, len(solution)) if "### END SOLUTION" in solution[i])
    # Re-indented, with comments between lines: the check reads code, not layout.
    planted = "\n".join(f"  {line.strip()}\n# note" for line in solution[start:end])
    (copy / "assignments" / "notes.py").write_text(f"# copied\n{planted}\n")
    problems = release.find_leaks(copy, REPO)
    assert len(problems) == 1 and problems[0].startswith("assignments/notes.py:2: repeats "), problems
    assert problems[0].endswith(f"the solution code at {block.origin}")


def test_one_common_piece_of_a_long_block_is_not_a_leak(student_repo, tmp_path):
    copy = tmp_path / "common"
    shutil.copytree(student_repo, copy, ignore=shutil.ignore_patterns("*.so"))
    piece = sorted(_long_block().prints)[0]
    (copy / "assignments" / "notes.py").write_text("\n".join(piece) + "\nunrelated = 1\n")
    assert release.find_leaks(copy, REPO) == []


@pytest.mark.parametrize("question", CHECKED)
def test_stubs_score_zero_in_the_release(student_repo, question, tmp_path):
    data = _pytest(student_repo, question, tmp_path / "stubs.json")
    assert data["score"] == 0
    assert all(t["output"].startswith("not implemented yet") for t in data["tests"]), data["tests"]


@pytest.mark.parametrize("question", CHECKED)
def test_solution_files_copied_into_the_release_score_100(student_repo, question, tmp_path):
    work = tmp_path / "student"
    shutil.copytree(student_repo, work, symlinks=True)
    for path in solution_files(REPO / "solutions", question):
        shutil.copy2(path, work / "assignments" / question / path.name)
    data = _pytest(work, question, tmp_path / "solved.json")
    lost = [(t["name"], t["output"]) for t in data["tests"] if t["score"] < t["max_score"]]
    assert not lost and data["score"] == 100, lost


def test_release_refuses_to_overwrite_or_nest(tmp_path):
    (tmp_path / "taken").mkdir()
    with pytest.raises(release.ReleaseError, match="exists; pass --force"):
        release.build(REPO, tmp_path / "taken")
    with pytest.raises(release.ReleaseError, match="inside the course repository"):
        release.build(REPO, REPO / "student-release-here")


# The references that compute q8's and q9's answers; they sit beside the hidden tests only.
ANSWER_REFERENCES = {"inception_reference", "expected_filter_grid", "expected_feature_maps"}


def test_no_function_computing_q8_or_q9_answers_is_in_the_release(student_repo):
    blocks = release.hidden_reference_blocks(REPO)
    names = {b.origin.rsplit("(", 1)[1].rstrip(")") for b in blocks}
    assert ANSWER_REFERENCES <= names, f"the hidden references hold {sorted(names)}: the check would prove nothing"
    defined = [
        f"{p.relative_to(student_repo)}:{node.lineno} {node.name}"
        for p in student_repo.rglob("*.py")
        for node in ast.walk(ast.parse(p.read_text(encoding="utf-8")))
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and node.name in ANSWER_REFERENCES
    ]
    assert not defined, defined
    # By content too, whatever the name: find_leaks looks for half of each reference's code lines.
    assert release.find_leaks(student_repo, REPO) == []


def test_leak_check_catches_a_hidden_reference_copied_into_the_kit(student_repo, tmp_path):
    copy = tmp_path / "leaky"
    shutil.copytree(student_repo, copy, ignore=shutil.ignore_patterns("*.so"))
    source = (REPO / "solutions" / "q9" / "hidden" / "references.py").read_text()
    tree = ast.parse(source)
    node = next(n for n in tree.body if isinstance(n, ast.FunctionDef) and n.name == "expected_feature_maps")
    renamed = ast.get_source_segment(source, node).replace("def expected_feature_maps", "def maps_for_the_test")
    checks = copy / "gradekit" / "checks" / "q9.py"
    checks.write_text(checks.read_text() + "\n\n" + renamed + "\n")
    problems = release.find_leaks(copy, REPO)
    assert len(problems) == 1 and problems[0].startswith("gradekit/checks/q9.py:"), problems
    assert "solutions/q9/hidden/references.py" in problems[0] and "(expected_feature_maps)" in problems[0]
