"""What instructors and students already hold keeps working after gradekit's layout by package.

Notebooks generated before it import ``gradekit.notebook`` in their test cells, and the courses'
nbgrader_config.py name ``gradekit.nbgrader_cells.RestoreDeletedSolutionCells`` among autograde's
preprocessors. Both are exercised here as those files use them, not just imported.
"""

from __future__ import annotations

import shutil
import subprocess
import sys

from traitlets.utils.importstring import import_item

from gradekit.nbgrader import preprocessors, runtime

# The test cell and the first code cell exactly as gradekit wrote them before the layout by package.
OLD_START_CELL = "from gradekit.notebook import start_fresh\n\nstart_fresh()"
OLD_TEST_CELL = """# Tests of q1.1 "add" (40 points).
# The number shown below is the points earned.
from gradekit.notebook import grade_task

hidden_tests = False
### BEGIN HIDDEN TESTS
hidden_tests = True
### END HIDDEN TESTS
print("POINTS", grade_task("q1.1", hidden=hidden_tests))"""
HELPERS = '"""Arith."""\nimport numpy as np\n\n\ndef as_float_array(x):\n    return np.asarray(x, dtype=np.float64)\n'
ADD = "def add(a, b):\n    return as_float_array(a) + as_float_array(b)\n"


def _run_cell(code: str, cwd) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", code], cwd=cwd, capture_output=True, text=True, timeout=300)


def test_cells_of_a_notebook_generated_before_the_layout_change_still_grade(fixture_course, tmp_path_factory):
    folder = fixture_course.path / "work" / tmp_path_factory.mktemp("old", numbered=True).name
    shutil.copytree(fixture_course.path / "release" / "q1", folder)
    started = _run_cell(OLD_START_CELL, folder)
    assert started.returncode == 0, started.stderr
    (folder / runtime.part_name("arith", 1)).write_text(HELPERS)
    (folder / runtime.part_name("arith", 2)).write_text(ADD)
    graded = _run_cell(OLD_TEST_CELL, folder)
    assert graded.returncode == 0, graded.stderr
    assert "POINTS 40.0" in graded.stdout, graded.stdout


def test_an_old_nbgrader_config_names_a_preprocessor_that_still_resolves():
    # traitlets resolves the class names of a config with import_item, as nbgrader does.
    old = import_item("gradekit.nbgrader_cells.RestoreDeletedSolutionCells")
    assert old is preprocessors.RestoreDeletedSolutionCells


def test_a_new_course_config_names_the_preprocessor_by_its_package():
    assert "gradekit.nbgrader.preprocessors.RestoreDeletedSolutionCells" in preprocessors.NBGRADER_SANITIZE
    assert (
        import_item("gradekit.nbgrader.preprocessors.RestoreDeletedSolutionCells")
        is preprocessors.RestoreDeletedSolutionCells
    )
