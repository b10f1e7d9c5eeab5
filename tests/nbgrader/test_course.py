"""The course that `gradekit nbgrader` builds: what is released, validation, determinism, updates, CLI."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
from nbclient import NotebookClient

from gradekit.nbgrader import course as nbgrader_course
from gradekit.release import repo as release

FIXTURE = Path(__file__).resolve().parent / "fixture"


def released_text(course: Path) -> str:
    return "\n".join(p.read_text(errors="ignore") for p in (course / "release").rglob("*") if p.is_file())


def test_release_holds_no_solution_hidden_test_or_model_answer(fixture_course):
    course = fixture_course.path
    files = {p.relative_to(course / "release").as_posix() for p in (course / "release").rglob("*") if p.is_file()}
    assert files == {
        "q1/q1.ipynb",
        "q1/my_code/README.md",
        "q1/tests/pytest.ini",
        "q1/tests/q1/tasks.toml",
        "q1/tests/q1/test_arith.py",
        "q1/tests/q1/test_stats.py",
    }
    text = released_text(course)
    blocks = release.solution_blocks(FIXTURE)
    text_lines = "\n".join(" ".join(line.split()) for line in text.splitlines() if line.strip())
    assert blocks and not [b for b in blocks if any("\n".join(piece) in text_lines for piece in b.prints)]
    assert "hidden_tests = True" not in text and "test_add_broadcasts_a_row" not in text
    assert "One NumPy expression runs a single loop in compiled C" not in text  # the model answer


def test_validate_passes_the_source_notebook_and_parts_it_saves_are_never_released(fixture_course):
    proc = fixture_course.nbgrader("validate", "source/q1/q1.ipynb")
    assert "Success! Your notebook passes all the tests." in proc.stdout
    source_parts = list((fixture_course.path / "source" / "q1" / "my_code").glob("*.part*.py"))
    assert source_parts, "validate ran the notebook in source/q1, which saves the solution's parts there"
    fixture_course.nbgrader("generate_assignment", "q1", "--force")
    assert [p.name for p in (fixture_course.path / "release" / "q1" / "my_code").iterdir()] == ["README.md"]


def test_release_runs_top_to_bottom_in_a_fresh_kernel(fixture_course, tmp_path):
    folder = tmp_path / "q1"
    shutil.copytree(fixture_course.path / "release" / "q1", folder)
    nb = nbformat.read(str(folder / "q1.ipynb"), as_version=4)
    NotebookClient(nb, timeout=300, kernel_name="python3", resources={"metadata": {"path": str(folder)}}).execute()
    tests = [c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade") and c.cell_type == "code"]
    for c in tests:
        outputs = {o.output_type: o for o in c.outputs}
        assert set(outputs) == {"stream", "execute_result"}, c.outputs  # no error, nothing on stderr
        assert outputs["execute_result"].data["text/plain"] == "0.0"
        assert "not implemented yet" in outputs["stream"].text


def test_the_same_sources_give_the_same_course(fixture_course, tmp_path):
    other = tmp_path / "again"
    nbgrader_course.build(FIXTURE, other)
    for part in ("source", "release"):
        for path in (fixture_course.path / part / "q1").rglob("*"):
            if path.is_file() and ".part" not in path.name:
                assert path.read_bytes() == (other / path.relative_to(fixture_course.path)).read_bytes(), path


def test_a_fix_in_the_solutions_reaches_a_course_that_has_submissions(tmp_path):
    repo = tmp_path / "repo"
    shutil.copytree(FIXTURE, repo)
    course = tmp_path / "course"
    nbgrader_course.build(repo, course)
    submitted = course / "submitted" / "alice" / "q1"
    shutil.copytree(course / "release" / "q1", submitted)
    assert nbgrader_course.nbgrader(course, "autograde", "q1").returncode == 0
    solution = repo / "solutions" / "q1" / "arith.py"
    solution.write_text(
        solution.read_text().replace(
            "Elementwise sum, with NumPy broadcasting.", "Elementwise sum of a and b, with NumPy broadcasting."
        )
    )
    nbgrader_course.build(repo, course)
    assert "Elementwise sum of a and b" in (course / "release" / "q1" / "q1.ipynb").read_text()


def test_config_update_keeps_the_instructors_settings(tmp_path):
    config = tmp_path / "nbgrader_config.py"
    config.write_text('c = get_config()\nc.CourseDirectory.course_id = "cnn"\n')
    nbgrader_course.write_config(tmp_path)
    nbgrader_course.write_config(tmp_path)  # twice: the block is replaced, not added again
    text = config.read_text()
    assert text.count(nbgrader_course.CONFIG_BEGIN) == 1
    assert text.index("OverwriteCells.add_missing_cells = True") < text.index('course_id = "cnn"')


def test_cli_builds_a_course_and_export_needs_a_gradebook(tmp_path):
    course = tmp_path / "course"
    run = subprocess.run(
        [sys.executable, "-m", "gradekit", "nbgrader", str(course), "--questions", "q1"],
        cwd=FIXTURE,
        capture_output=True,
        text=True,
    )
    assert run.returncode == 0, run.stderr
    assert (course / "release" / "q1" / "q1.ipynb").is_file() and f"nbgrader course in {course}" in run.stdout
    export = subprocess.run(
        [sys.executable, "-m", "gradekit", "nbgrader-export", str(course), "--out", str(tmp_path / "g.csv")],
        capture_output=True,
        text=True,
    )
    # generate_assignment made the gradebook; with no student in it the export is just the header
    assert export.returncode == 0, export.stderr
    assert (tmp_path / "g.csv").read_text().splitlines() == [",".join(nbgrader_course.EXPORT_FIELDS)]
