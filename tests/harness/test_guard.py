"""Do-it-yourself tasks: forbidden calls are caught however the student's code reaches them."""

import pytest

from .conftest import TASKS

SOLUTION = "def add(a, b):\n    return a + b\n\n"


@pytest.mark.parametrize(
    "body, name",
    [
        (
            "    import scipy.signal\n    scipy.signal.convolve2d(np.ones((3, 3)), np.ones((2, 2)))\n",
            "scipy.signal.convolve2d",
        ),
        (
            "    from scipy.signal import correlate2d as c\n    c(np.ones((3, 3)), np.ones((2, 2)))\n",
            "scipy.signal.correlate2d",
        ),
        ("    np.convolve(x, [1.0])\n", "numpy.convolve"),
        (
            "    import torch\n    torch.nn.functional.conv2d(torch.ones(1, 1, 3, 3), torch.ones(1, 1, 1, 1))\n",
            "torch.nn.functional.conv2d",
        ),
        (
            "    from torch.nn.functional import conv2d as c\n    import torch\n    c(torch.ones(1, 1, 3, 3), torch.ones(1, 1, 1, 1))\n",
            "torch.nn.functional.conv2d",
        ),
        ("    import torch\n    torch.nn.Conv2d(1, 1, 1)(torch.ones(1, 1, 3, 3))\n", "torch.nn.functional.conv2d"),
        (
            "    import torch\n    torch.ops.aten.convolution(torch.ones(1, 1, 2, 2), torch.ones(1, 1, 1, 1), None,"
            " [1, 1], [0, 0], [1, 1], False, [0, 0], 1)\n",
            "torch.ops.aten.convolution",
        ),
        (
            "    import torch\n    try:\n        torch.conv2d(torch.ones(1, 1, 3, 3), torch.ones(1, 1, 1, 1))\n"
            "    except Exception:\n        pass\n",
            "torch.nn.functional.conv2d",
        ),
        (
            "    import torch\n    torch._C._nn.slow_conv_dilated2d(torch.ones(1, 1, 3, 3), torch.ones(1, 1, 1, 1), (1, 1))\n",
            "torch.ops.aten.slow_conv_dilated2d",
        ),
        (
            "    import torch\n    x = torch.ones(4, 1, 1)\n    torch.conv_tbc(x, torch.ones(2, 1, 1), torch.zeros(1), 0)\n",
            "torch.ops.aten.conv_tbc",
        ),
    ],
    ids=[
        "scipy",
        "scipy-alias",
        "numpy",
        "torch-F",
        "torch-alias",
        "nn.Module",
        "torch.ops",
        "caught",
        "torch._C",
        "conv_tbc",
    ],
)
def test_forbidden_call_fails_the_task(course, body, name):
    scale = "import numpy as np\n\ndef scale(x, k):\n" + body + "    return np.asarray(x, dtype=float) * k\n"
    sub = course.submission("cheat", arith=SOLUTION + scale)
    result = course.run("--against", str(sub), "--task", "q1.2")
    task = result.tasks["q1.2"]
    assert task["score"] == 0
    assert task["output"].startswith(f"q1.2 must not call {name} (arith.py, line"), task["output"]


def test_tests_themselves_may_call_forbidden_functions(course):
    course.write(
        "assignments/q1/test_ref.py",
        """
        import numpy as np
        import pytest
        import torch
        import gradekit

        arith = gradekit.submission("q1.arith")

        @pytest.mark.task("q1.2")
        def test_scale_against_torch_reference():
            ref = torch.nn.functional.conv2d(torch.ones(1, 1, 3, 3), torch.full((1, 1, 1, 1), 2.0))
            np.testing.assert_allclose(arith.scale(np.ones(9), 2.0), ref.flatten().numpy())
        """,
    )
    result = course.run("--against", "solutions", "--task", "q1.2")
    assert result.tasks["q1.2"]["score"] == 30, result.tasks["q1.2"]["output"]


def test_unguarded_task_may_use_anything(course):
    add = "import numpy as np\n\ndef add(a, b):\n    return int(np.convolve([a], [1])[0]) + b\n\n"
    scale = "def scale(x, k):\n    return np.asarray(x, dtype=float) * k\n"
    sub = course.submission("free", arith=add + scale)
    result = course.run("--against", str(sub), "--task", "q1.1")
    assert result.tasks["q1.1"]["score"] == 40


# The sample course's tables with q1.2 under an ATen allow-list instead of the convolution preset.
ALLOW_LIST_TASKS = TASKS.replace('forbid = ["@convolution"]', 'forbid = ["@aten-computing"]')
assert ALLOW_LIST_TASKS != TASKS


@pytest.mark.parametrize(
    "body, name",
    [
        ("    torch.mul(torch.as_tensor(x, dtype=torch.float64), k)\n", "torch.ops.aten.mul"),
        # TorchScript runs its graph in C++: only the dispatcher sees the operator.
        ("    torch.jit.script(_times)(torch.ones(3, dtype=torch.float64), float(k))\n", "torch.ops.aten.mul"),
        ("    torch.zeros(3).sum()\n", "torch.ops.aten.sum"),  # an operator no preset names: refused all the same
    ],
    ids=["torch", "torchscript", "unnamed-op"],
)
def test_an_allow_list_refuses_every_other_aten_operator(course, body, name):
    course.write("assignments/q1/tasks.toml", ALLOW_LIST_TASKS)
    times = "def _times(t: torch.Tensor, s: float) -> torch.Tensor:\n    return t * s\n\n"
    scale = "import numpy as np\nimport torch\n\n" + times + "def scale(x, k):\n" + body
    scale += "    return np.asarray(x, dtype=float) * k\n"
    result = course.run("--against", str(course.submission("cheat", arith=SOLUTION + scale)), "--task", "q1.2")
    task = result.tasks["q1.2"]
    assert task["score"] == 0
    assert task["output"].startswith(f"q1.2 must not call {name} (only operators that allocate"), task["output"]


def test_an_allow_list_lets_memory_operators_through(course):
    course.write("assignments/q1/tasks.toml", ALLOW_LIST_TASKS)
    scale = (
        "import numpy as np\nimport torch\n\ndef scale(x, k):\n"
        "    buffer = torch.empty_like(torch.zeros(3)).contiguous()\n"  # allocate and lay out: allowed
        "    return np.asarray(x, dtype=float) * k\n"
    )
    result = course.run("--against", str(course.submission("honest", arith=SOLUTION + scale)), "--task", "q1.2")
    assert result.tasks["q1.2"]["score"] == 30, result.tasks["q1.2"]["output"]
