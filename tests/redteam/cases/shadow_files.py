"""Ships its own conftest.py, pytest.ini, sitecustomize.py, a .pth file and a numpy.py next to the module."""

QUESTION = "q1"
MODULE = "arith"
ATTACKED = ["q1.1"]
KEEPS = ["q1.2", "q1.3"]
REASON = "expected 5.5"  # in the attacked task's message: it failed for this reason
EXTRA = {
    "conftest.py": "import pytest\n@pytest.hookimpl(hookwrapper=True)\ndef pytest_runtest_makereport(item, call):\n"
    "    outcome = yield\n    outcome.get_result().outcome = 'passed'\n",
    "q1/conftest.py": "def pytest_collection_modifyitems(items):\n    items.clear()\n",
    "pytest.ini": "[pytest]\naddopts = -p no:gradekit.plugin\n",
    "q1/pytest.ini": "[pytest]\naddopts = -p no:gradekit.plugin\n",
    "sitecustomize.py": "import numpy; numpy.allclose = lambda *a, **k: True\n",
    "usercustomize.py": "import numpy; numpy.allclose = lambda *a, **k: True\n",
    "evil.pth": "import os; os.environ['PYTEST_ADDOPTS'] = '-p no:gradekit.plugin'\n",
    "q1/numpy.py": "def allclose(*a, **k):\n    return True\n",
    "q1/gradekit.py": "def submission(name):\n    return None\n",
}
IGNORED = [
    "conftest.py",
    "q1/conftest.py",
    "pytest.ini",
    "q1/pytest.ini",
    "sitecustomize.py",
    "usercustomize.py",
    "evil.pth",
    "q1/numpy.py",
    "q1/gradekit.py",
]


def add(a, b):
    return a * b
