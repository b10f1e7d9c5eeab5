"""What runs inside the notebooks: assembling the saved cells, and grade_task's verdicts."""

from __future__ import annotations

import contextlib
import io
import shutil

import pytest

from gradekit.nbgrader import runtime as notebook

ADD = "def add(a, b):\n    return as_float_array(a) + as_float_array(b)\n"
HELPERS = '"""Arith."""\nimport numpy as np\n\n\ndef as_float_array(x):\n    return np.asarray(x, dtype=np.float64)\n'


@pytest.fixture
def student(fixture_course, tmp_path_factory):
    """A copy of the released q1 folder inside the course (where the instructor's folder is found)."""
    folder = fixture_course.path / "work" / tmp_path_factory.mktemp("s", numbered=True).name
    shutil.copytree(fixture_course.path / "release" / "q1", folder)
    notebook.start_fresh(folder)
    return folder


def save(folder, module: str, index: int, text: str) -> None:
    (folder / notebook.part_name(module, index)).write_text(text)


def test_assembly_joins_parts_in_order_and_leaves_out_a_broken_one(student, tmp_path):
    save(student, "arith", 1, HELPERS)
    save(student, "arith", 3, "def broken(:\n    pass\n")
    save(student, "arith", 2, ADD)
    assembly = notebook.assemble("q1", tmp_path, student)
    text = (tmp_path / "q1" / "arith.py").read_text()
    assert text.index("def as_float_array") < text.index("def add") and "broken" not in text
    assert assembly.problems == ["the cell my_code/arith.part3.py was left out: invalid syntax on its line 2"]
    # Line 1 of part 2 is the line after its cell's %%writefile line.
    first_add_line = text[: text.index("def add")].count("\n") + 1
    assert assembly.cell_line("arith", first_add_line) == "line 2 of the cell my_code/arith.part2.py"


def test_grade_task_returns_the_points_and_writes_nothing_to_stderr(student):
    save(student, "arith", 1, HELPERS + "import sys\nprint('noise', file=sys.stderr)\n")
    save(student, "arith", 2, "import warnings\n\n\n" + ADD.replace("    return", "    warnings.warn('w')\n    return"))
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        points = notebook.grade_task("q1.1", folder=student)
    assert points == 40.0
    assert out.getvalue().startswith("q1.1 add: 40/40 points") and err.getvalue() == ""


def test_grade_task_visible_partial_credit_and_message(student, capsys):
    save(student, "arith", 1, HELPERS)
    save(student, "arith", 2, "def add(a, b):\n    return a + b\n")  # lists concatenate
    assert notebook.grade_task("q1.1", folder=student) == 20.0  # 1 of the 2 visible tests
    assert "add([1, 2], [3, 4])" in capsys.readouterr().out


def test_grade_task_with_hidden_tests_splits_points_like_the_harness(student, capsys):
    save(student, "arith", 1, HELPERS)
    save(student, "arith", 2, "def add(a, b):\n    return a + b\n")
    assert notebook.grade_task("q1.1", hidden=True, folder=student) == pytest.approx(40 * 2 / 3, abs=1e-4)


def test_a_stub_earns_zero_and_says_not_implemented(student, capsys):
    assert notebook.grade_task("q1.2", folder=student) == 0.0  # no stats cell has run yet
    assert "no cell of stats.py has run yet (they start with %%writefile my_code/stats.part)" in capsys.readouterr().out
    save(student, "stats", 1, "def mean_of_sums(a, b):\n    raise NotImplementedError()\n")
    assert notebook.grade_task("q1.2", folder=student) == 0.0
    assert "not implemented yet" in capsys.readouterr().out


def test_grade_task_stops_a_run_that_takes_too_long(student, capsys):
    save(student, "arith", 1, HELPERS)
    save(student, "arith", 2, "def add(a, b):\n    while True:\n        pass\n")
    assert notebook.grade_task("q1.1", timeout=5, folder=student) == 0.0
    assert "ran out of time (5 s)" in capsys.readouterr().out


def test_load_module_gives_the_students_code_to_try(student):
    save(student, "arith", 1, HELPERS)
    save(student, "arith", 2, ADD)
    arith = notebook.load_module("q1.arith", folder=student)
    assert arith.add([1.0], [2.0]).tolist() == [3.0]


def test_hidden_tests_outside_the_course_are_an_error(fixture_course, tmp_path):
    shutil.copytree(fixture_course.path / "release" / "q1", tmp_path / "q1")
    with pytest.raises(FileNotFoundError, match="hidden tests of q1 are not here"):
        notebook.grade_task("q1.1", hidden=True, folder=tmp_path / "q1")
