"""Speed targets: the points curve, and the timed comparison against a reference in one run."""

import math

import numpy as np
import pytest

from gradekit.course.questions import Speed
from gradekit.harness import speed as speed_mod


def test_curve_full_at_target_zero_at_floor_log_linear_between():
    s = Speed(target=0.5, floor=0.05)
    assert s.fraction(0.5) == 1.0 and s.fraction(3.0) == 1.0
    assert s.fraction(0.05) == 0.0 and s.fraction(0.01) == 0.0
    mid = math.sqrt(0.5 * 0.05)  # the geometric middle earns half
    assert s.fraction(mid) == pytest.approx(0.5)


def _inputs(seed):
    return (np.random.default_rng(seed).standard_normal(1000),)


def test_compare_checks_every_timed_output():
    calls = []

    def sneaky(x):  # right only on the first call
        calls.append(1)
        return x * 2 if len(calls) == 1 else x * 0

    with pytest.raises(AssertionError, match="wrong output in timed run"):
        speed_mod.compare(
            "q9.1",
            Speed(0.5, 0.05),
            sneaky,
            lambda x: x * 2,
            _inputs,
            check=lambda out, ref: np.testing.assert_allclose(out, ref),
            warmup=0,
        )


def test_compare_rejects_input_mutation():
    def mutating(x):
        x *= 2
        return x

    with pytest.raises(AssertionError, match="modified its input"):
        speed_mod.compare("q9.1", Speed(0.5, 0.05), mutating, lambda x: x * 2, _inputs, check=lambda out, ref: None)


def test_compare_gives_fresh_inputs_so_identity_caching_is_wrong():
    cache = {}

    def caching(x):
        return cache.setdefault("out", x * 2)  # returns the first answer forever

    with pytest.raises(AssertionError, match="wrong output"):
        speed_mod.compare(
            "q9.1",
            Speed(0.5, 0.05),
            caching,
            lambda x: x * 2,
            _inputs,
            check=lambda out, ref: np.testing.assert_allclose(out, ref),
        )


def test_slow_submission_gets_partial_points_and_the_ratio_is_reported(course):
    slow = (
        "import numpy as np\nimport time\n\ndef add(a, b):\n    return a + b\n\n"
        "def scale(x, k):\n    time.sleep(0.01)\n    return np.asarray(x, dtype=float) * k\n"
    )
    sub = course.submission("slow", arith=slow)
    result = course.run("--against", str(sub), "--task", "q1.3")
    task = result.tasks["q1.3"]
    assert 0 <= task["score"] < 20
    assert task["extra_data"]["speed_ratio"] < 0.25
    assert "the speed of numpy (target 0.25x" in task["output"]
