"""A small course for exercising the plugin: question q1 with four tasks.

- q1.1 add (40 points, two tests: partial credit by halves)
- q1.2 scale (30 points, do-it-yourself: no convolution routines)
- q1.3 scale speed (20 points, speed target 0.25x numpy's multiply)
- q1.4 stats (10 points, a function in a second module)
"""

from __future__ import annotations

import json
import textwrap

import pytest

TASKS = """
question = "q1"
title = "Sample"
seeds = ["000 Q2"]

[[task]]
id = "q1.1"
title = "add"
points = 40
functions = ["add"]

[[task]]
id = "q1.2"
title = "scale"
points = 30
functions = ["scale"]
forbid = ["@convolution"]

[[task]]
id = "q1.3"
title = "scale speed"
points = 20
functions = []
speed = { target = 0.25, floor = 0.02, reference = "numpy" }

[[task]]
id = "q1.4"
title = "stats"
points = 10
functions = ["mean"]

[[written]]
id = "q1.w1"
title = "why add"
points = 5
prompt = "Why would anyone add?"
"""

SOLUTION = '''
"""Sample solution."""
import numpy as np


def add(a, b):
    """Return a + b."""
    ### BEGIN SOLUTION
    return a + b
    ### END SOLUTION


def scale(x, k):
    """Return x * k as an array."""
    ### BEGIN SOLUTION
    return np.asarray(x, dtype=float) * k
    ### END SOLUTION
'''

STATS = """
import numpy as np


def mean(x):
    ### BEGIN SOLUTION
    return float(np.mean(x))
    ### END SOLUTION
"""

TESTS = """
import numpy as np
import pytest

import gradekit
from gradekit.testing import assert_close

arith = gradekit.submission("q1.arith")
stats = gradekit.submission("q1.stats")


@pytest.mark.task("q1.1")
def test_add_small():
    assert arith.add(2, 3) == 5, "add(2, 3) should be 5"


@pytest.mark.task("q1.1")
def test_add_negative():
    assert arith.add(-2, 3) == 1, "add(-2, 3) should be 1"


@pytest.mark.task("q1.2")
def test_scale():
    assert_close(arith.scale(np.arange(4.0), 3.0), np.arange(4.0) * 3.0, name="scale(arange(4), 3)")


@pytest.mark.task("q1.3")
def test_scale_speed(speed):
    def make_inputs(seed):
        return np.random.default_rng(seed).standard_normal(200_000), 3.0

    speed(arith.scale, lambda x, k: np.multiply(x, k), make_inputs,
          check=lambda out, ref: assert_close(out, ref, name="scale"))


@pytest.mark.task("q1.4")
def test_mean():
    assert_close(stats.mean([1.0, 2.0, 6.0]), 3.0, name="mean([1, 2, 6])")
"""

PYPROJECT = """
[tool.pytest.ini_options]
addopts = "--import-mode=importlib -p no:cacheprovider"
"""


class Course:
    """Writes the sample course into pytester's folder and runs pytest on it."""

    def __init__(self, pytester: pytest.Pytester):
        self.pytester = pytester
        self.root = pytester.path
        self.write("pyproject.toml", PYPROJECT)
        self.write("assignments/q1/tasks.toml", TASKS)
        self.write("assignments/q1/test_arith.py", TESTS)
        self.write("solutions/q1/arith.py", SOLUTION)
        self.write("solutions/q1/stats.py", STATS)
        from gradekit.release import stubs

        for path, text in stubs.generate(self.root).items():
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text)

    def write(self, rel: str, text: str):
        path = self.root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text).lstrip("\n"))
        return path

    def submission(self, name: str, **files: str):
        """A submitted folder <name>/q1/<file>.py with the given sources (solution files elsewhere)."""
        base = {"arith": SOLUTION, "stats": STATS}
        base.update(files)
        for module, text in base.items():
            if text is not None:
                self.write(f"{name}/q1/{module}.py", text)
        return self.root / name

    def run(self, *args: str):
        report = self.root / "results.json"
        if report.exists():
            report.unlink()
        result = self.pytester.runpytest_subprocess("assignments/q1", "--gradekit-json", str(report), *args)
        result.report = json.loads(report.read_text()) if report.exists() else None
        result.tasks = {t["number"]: t for t in result.report["tests"]} if result.report else {}
        return result


@pytest.fixture
def course(pytester: pytest.Pytester) -> Course:
    return Course(pytester)
