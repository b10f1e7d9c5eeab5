"""Stub generation from solution markers, and the committed stubs staying in sync with it."""

from pathlib import Path

import pytest

from gradekit.course.questions import parse_task_table
from gradekit.release import stubs

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture
def question(tmp_path):
    table = tmp_path / "q3" / "tasks.toml"
    table.parent.mkdir()
    table.write_text(
        'question = "q3"\n'
        '[[task]]\nid = "q3.1"\ntitle = "a"\npoints = 60\nfunctions = ["norm", "Net"]\n'
        '[[task]]\nid = "q3.2"\ntitle = "b"\npoints = 40\nfunctions = ["Net.forward"]\n'
    )
    return parse_task_table(table)


def test_blocks_become_raises_with_the_task_id(question):
    source = (
        '"""Doc."""\nimport numpy as np\n\n\ndef norm(x):\n    """Normalize."""\n'
        "    ### BEGIN SOLUTION\n    m = x.mean()\n    return x - m\n    ### END SOLUTION\n\n\n"
        "class Net:\n    def __init__(self):\n        ### BEGIN SOLUTION\n        self.w = 1\n"
        "        ### END SOLUTION\n\n    def forward(self, x):\n        ### BEGIN SOLUTION\n"
        "        return x * self.w\n        ### END SOLUTION\n"
    )
    stub = stubs.make_stub(source, question, "solutions/q3/norm.py")
    assert stub == (
        '"""Doc."""\nimport numpy as np\n\n\ndef norm(x):\n    """Normalize."""\n'
        '    raise NotImplementedError("q3.1 not implemented yet: norm")\n\n\n'
        "class Net:\n    def __init__(self):\n"
        '        raise NotImplementedError("q3.1 not implemented yet: Net.__init__")\n\n'
        "    def forward(self, x):\n"
        '        raise NotImplementedError("q3.2 not implemented yet: Net.forward")\n'
    )


def test_hidden_test_blocks_are_dropped(question):
    source = "def norm(x):\n    return x\n### BEGIN HIDDEN TESTS\nassert norm(1) == 1\n### END HIDDEN TESTS\n"
    assert stubs.make_stub(source, question, "f.py") == "def norm(x):\n    return x\n"


@pytest.mark.parametrize(
    "source, message",
    [
        ("def norm(x):\n    ### BEGIN SOLUTION\n    return x\n", "f.py:2: BEGIN SOLUTION without END SOLUTION"),
        ("def norm(x):\n    return x\n    ### END SOLUTION\n", "f.py:3: END SOLUTION without BEGIN SOLUTION"),
        ("### BEGIN SOLUTION\nX = 1\n### END SOLUTION\n", "f.py:1: a solution block must sit inside a function"),
        (
            "def other(x):\n    ### BEGIN SOLUTION\n    return x\n    ### END SOLUTION\n",
            "f.py:2: `other` is in no task's `functions` list",
        ),
    ],
)
def test_bad_markers_name_file_and_line(question, source, message):
    with pytest.raises(stubs.StubError, match=message.replace("(", r"\(").replace(")", r"\)")):
        stubs.make_stub(source, question, "f.py")


def test_committed_stubs_equal_the_generated_ones():
    problems = stubs.stale(REPO)
    assert not problems, "run `gradekit stubs`:\n" + "\n".join(problems)
