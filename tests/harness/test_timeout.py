"""An infinite loop costs its task, and the run goes on."""


def test_infinite_loop_times_out_and_other_tasks_still_score(course):
    loop = "def add(a, b):\n    while True:\n        pass\n\n"
    scale = "import numpy as np\n\ndef scale(x, k):\n    return np.asarray(x, dtype=float) * k\n"
    sub = course.submission("loop", arith=loop + scale)
    result = course.run("--against", str(sub), "--gradekit-timeout", "1")
    assert result.tasks["q1.1"]["score"] == 0
    assert result.tasks["q1.1"]["output"] == "q1.1 timed out after 1 s (an infinite loop, or far too slow?)"
    assert result.tasks["q1.4"]["score"] == 10
