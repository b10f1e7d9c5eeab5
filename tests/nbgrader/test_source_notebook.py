"""The source notebook's structure, from the sources alone (no nbgrader run)."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from gradekit.course.questions import load_question, parse_task_table
from gradekit.nbgrader import cells as module_cells
from gradekit.nbgrader import course as nbgrader_course
from gradekit.nbgrader import source_notebook
from gradekit.release.stubs import StubError

HERE = Path(__file__).resolve().parent
FIXTURE = HERE / "fixture"
REPO = HERE.parents[1]

TASKS = """
question = "q9"
title = "Synthetic"

[[task]]
id = "q9.1"
title = "first"
points = 30
functions = ["first"]

[[task]]
id = "q9.2"
title = "second"
points = 70
functions = ["Second.run"]
"""


@pytest.fixture
def synthetic(tmp_path):
    path = tmp_path / "assignments" / "q9" / "tasks.toml"
    path.parent.mkdir(parents=True)
    path.write_text(TASKS)
    return parse_task_table(path)


def split(source: str, question):
    return module_cells.split_module(textwrap.dedent(source).lstrip("\n"), "mod", question, "mod.py")


def test_given_code_comes_first_and_each_task_gets_its_own_cell(synthetic):
    module = split(
        '''
        """Doc."""
        import math


        def first(x):
            """One."""
            ### BEGIN SOLUTION
            return math.sqrt(x)
            ### END SOLUTION


        def helper(x):
            return x + 1


        class Second:
            def run(self):
                ### BEGIN SOLUTION
                return helper(1)
                ### END SOLUTION
        ''',
        synthetic,
    )
    kinds = [(c.index, c.tasks, c.names) for c in module.chunks]
    assert kinds == [(1, (), ("helper",)), (2, ("q9.1",), ("first",)), (3, ("q9.2",), ("Second",))]
    given, first, second = (c.text for c in module.chunks)
    assert given.startswith('"""Doc."""\nimport math\n\n\ndef helper(x):')
    # The END SOLUTION comment after a function's last statement stays in its cell.
    assert first.endswith("    ### END SOLUTION") and second.endswith("        ### END SOLUTION")


def test_given_code_that_needs_a_solution_at_import_cannot_move_up(synthetic):
    with pytest.raises(StubError, match=r"mod.py:5: given code uses first when the module is imported"):
        split(
            """
            def first(x):
                ### BEGIN SOLUTION
                return x
                ### END SOLUTION
            ALIAS = first
            """,
            synthetic,
        )


def test_hidden_blocks_are_dropped(synthetic):
    module = split(
        """
        def first(x):
            ### BEGIN SOLUTION
            return x
            ### END SOLUTION
        ### BEGIN HIDDEN TESTS
        assert first(1) == 1
        ### END HIDDEN TESTS
        """,
        synthetic,
    )
    assert "assert first" not in "".join(c.text for c in module.chunks)


def test_imported_siblings_come_first_and_tests_follow_the_modules_they_use(synthetic, tmp_path):
    a = split(
        "from . import b\n\n\ndef first(x):\n    ### BEGIN SOLUTION\n    return b.run()\n    ### END SOLUTION\n",
        synthetic,
    )
    a = module_cells.Module("a", a.chunks, a.imports)
    b = module_cells.Module("b", (), frozenset())
    c = module_cells.Module(
        "c",
        split(
            "class Second:\n    def run(self):\n        ### BEGIN SOLUTION\n"
            "        return 1\n        ### END SOLUTION\n",
            synthetic,
        ).chunks,
        frozenset(),
    )
    ordered = module_cells.order_modules([c, a, b])
    assert [m.name for m in ordered] == ["b", "a", "c"]
    test_file = tmp_path / "test_first.py"
    test_file.write_text(
        'm = gradekit.submission("q9.a")\nn = gradekit.submission("q9.c")\n'
        '@pytest.mark.task("q9.1")\ndef test_x(): pass\n'
    )
    # q9.1's code is in a, but its tests also load c: its test cell waits until c is complete.
    assert module_cells.place_tests(ordered, synthetic, [test_file]) == {"b": [], "a": [], "c": ["q9.1", "q9.2"]}


def test_test_files_of_a_task_keep_files_whose_marks_are_not_literal(tmp_path):
    literal = tmp_path / "test_a.py"
    literal.write_text('@pytest.mark.task("q9.1")\ndef test_a(): pass\n')
    other = tmp_path / "test_b.py"
    other.write_text('pytestmark = pytest.mark.task("q9.2")\n')
    computed = tmp_path / "test_c.py"
    computed.write_text('TASK = "q9.2"\n@pytest.mark.task(TASK)\ndef test_c(): pass\n')
    assert module_cells.test_files_of_task("q9.1", [literal, other, computed]) == [literal, computed]


def test_fixture_notebook_cells_in_order():
    nb = source_notebook.build(FIXTURE, "q1")
    layout = [(c.cell_type, c.id) for c in nb.cells]
    assert layout == [
        ("markdown", "q1_intro"),
        ("markdown", "q1_readme"),
        ("code", "q1_start"),
        ("markdown", "arith_module"),
        ("code", "given_arith_01"),
        ("markdown", "q1_1_task"),
        ("code", "q1_1_arith_add"),
        ("code", "q1_1_tests"),
        ("markdown", "stats_module"),
        ("code", "given_stats_01"),
        ("markdown", "q1_2_task"),
        ("code", "q1_2_stats_mean_of_sums"),
        ("code", "q1_2_tests"),
        ("markdown", "q1_written"),
        ("markdown", "q1_w1_prompt"),
        ("markdown", "q1_w1_answer"),
    ]
    solution = nb.cells[6].source
    assert solution.startswith("%%writefile my_code/arith.part2.py\ndef add(a, b):")
    assert "### BEGIN SOLUTION" in solution
    answer = nb.cells[-1]
    assert answer.metadata["nbgrader"] == {
        "grade": True,
        "grade_id": "q1_w1_answer",
        "locked": False,
        "points": 5,
        "schema_version": 3,
        "solution": True,
        "task": False,
    }
    assert "Rubric:" in answer.source and answer.source.startswith("### BEGIN SOLUTION")


def test_readme_keeps_the_text_and_drops_what_the_notebook_replaces():
    text = source_notebook.readme_text(load_question(FIXTURE / "assignments" / "q1"))
    assert "## What you will learn" in text and "## Functions to write" in text
    for dropped in ("# q1 — Array arithmetic", "## How to run", "| id | task |", "## Written prompts"):
        assert dropped not in text


def test_a_prompt_without_a_model_answer_is_an_error(tmp_path):
    root = tmp_path / "course"
    for part in ("assignments", "solutions"):
        (root / part).mkdir(parents=True)
    import shutil

    shutil.copytree(FIXTURE / "assignments" / "q1", root / "assignments" / "q1")
    shutil.copytree(FIXTURE / "solutions" / "q1", root / "solutions" / "q1")
    (root / "solutions" / "q1" / "ANSWERS.md").write_text("# q1\n\n## q1.w2 something else\n\ntext\n")
    with pytest.raises(source_notebook.NotebookSourceError, match="ANSWERS.md has no section for q1.w1"):
        source_notebook.build(root, "q1")
    readme = root / "assignments" / "q1" / "README.md"
    readme.write_text(readme.read_text() + "\nWrite ### BEGIN SOLUTION in your answer.\n")
    (root / "solutions" / "q1" / "ANSWERS.md").write_text("## q1.w1\n\nanswer\n")
    with pytest.raises(source_notebook.NotebookSourceError, match="outside a solution or test cell"):
        source_notebook.build(root, "q1")


def test_the_same_sources_give_the_same_bytes(tmp_path):
    for name in ("a", "b"):
        source_notebook.write(source_notebook.build(FIXTURE, "q1"), tmp_path / name / "q1.ipynb")
    assert (tmp_path / "a" / "q1.ipynb").read_bytes() == (tmp_path / "b" / "q1.ipynb").read_bytes()


@pytest.mark.parametrize("question", nbgrader_course.available_questions(REPO))
def test_every_question_of_the_course_makes_a_notebook(question):
    nb = source_notebook.build(REPO, question)
    q = load_question(REPO / "assignments" / question)
    points = {
        c.metadata["nbgrader"]["grade_id"]: c.metadata["nbgrader"]["points"]
        for c in nb.cells
        if c.metadata.get("nbgrader", {}).get("grade")
    }
    expected = {f"{t.id.replace('.', '_')}_tests": t.points for t in q.tasks}
    expected |= {f"{w.id.replace('.', '_')}_answer": w.points for w in q.written}
    assert points == expected


def test_fixture_question_is_laid_out_like_the_real_ones():
    from gradekit.release import stubs

    assert stubs.stale(FIXTURE) == []
    assert {p.name for p in (FIXTURE / "assignments" / "q1").iterdir()} == {
        "README.md",
        "tasks.toml",
        "arith.py",
        "stats.py",
        "test_arith.py",
        "test_stats.py",
    }
