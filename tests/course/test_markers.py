"""The one parser of the solution-marker grammar, and the three readers that agree through it."""

import pytest

from gradekit.course import markers
from gradekit.course.questions import parse_task_table
from gradekit.nbgrader import cells
from gradekit.release import repo, stubs

SOURCE = (
    "import numpy as np\n"  # 0
    "\n"
    "def norm(x):\n"  # 2
    "    ### BEGIN SOLUTION\n"  # 3
    "    m = x.mean()\n"
    "    return x - m\n"
    "    ### END SOLUTION\n"  # 6
    "\n"
    "### BEGIN HIDDEN TESTS\n"  # 8
    "assert norm(np.ones(2)).sum() == 0\n"
    "### END HIDDEN TESTS\n"  # 10
)


@pytest.fixture
def question(tmp_path):
    table = tmp_path / "q3" / "tasks.toml"
    table.parent.mkdir()
    table.write_text('question = "q3"\n[[task]]\nid = "q3.1"\ntitle = "a"\npoints = 100\nfunctions = ["norm"]\n')
    return parse_task_table(table)


def test_blocks_are_found_with_their_kind_lines_and_indentation():
    assert markers.parse(SOURCE, "f.py") == [
        markers.Block(markers.SOLUTION, 3, 6, "    "),
        markers.Block(markers.HIDDEN, 8, 10, ""),
    ]
    lines = SOURCE.splitlines(keepends=True)
    assert markers.parse(SOURCE, "f.py")[0].body(lines) == ["    m = x.mean()\n", "    return x - m\n"]


def test_dropping_hidden_blocks_keeps_every_other_line():
    kept = markers.drop_hidden(SOURCE, "f.py")
    assert "HIDDEN" not in kept and "assert norm" not in kept
    assert kept == "".join(SOURCE.splitlines(keepends=True)[:8])


def test_a_hidden_block_is_opaque():
    source = "### BEGIN HIDDEN TESTS\n### BEGIN SOLUTION\nx = 1\n### END HIDDEN TESTS\n"
    assert markers.parse(source, "f.py") == [markers.Block(markers.HIDDEN, 0, 3, "")]


@pytest.mark.parametrize(
    ("source", "message"),
    [
        ("def f():\n    ### BEGIN SOLUTION\n    return 1\n", "f.py:2: BEGIN SOLUTION without END SOLUTION"),
        ("x = 1\n### END SOLUTION\n", "f.py:2: END SOLUTION without BEGIN SOLUTION"),
        ("### BEGIN HIDDEN TESTS\nassert 1\n", "f.py:1: BEGIN HIDDEN TESTS without END HIDDEN TESTS"),
        ("assert 1\n### END HIDDEN TESTS\n", "f.py:2: END HIDDEN TESTS without BEGIN HIDDEN TESTS"),
        (
            "def f():\n    ### BEGIN SOLUTION\n    ### BEGIN SOLUTION\n    ### END SOLUTION\n",
            "f.py:3: BEGIN SOLUTION inside a solution block",
        ),
        (
            "def f():\n    ### BEGIN SOLUTION\n### BEGIN HIDDEN TESTS\n    ### END SOLUTION\n",
            "f.py:3: BEGIN HIDDEN TESTS inside a solution block",
        ),
    ],
)
def test_malformed_markers_are_refused_with_file_and_line(source, message):
    with pytest.raises(markers.MarkerError, match=message):
        markers.parse(source, "f.py")


@pytest.mark.parametrize(
    "source",
    [
        "def f():\n    ### BEGIN SOLUTION\n    return 1\n",
        "assert 1\n### END HIDDEN TESTS\n",
    ],
)
def test_stubs_notebook_cells_and_the_release_reject_the_same_file_the_same_way(question, source):
    """All three readers go through the parser, so none accepts what another refuses."""
    with pytest.raises(markers.MarkerError) as stub_error:
        stubs.make_stub(source, question, "f.py")
    with pytest.raises(markers.MarkerError) as cell_error:
        cells.split_module(source, "f", question, "f.py")
    with pytest.raises(markers.MarkerError) as release_error:
        repo._blocks(source, "f.py")
    assert str(stub_error.value) == str(cell_error.value) == str(release_error.value)
