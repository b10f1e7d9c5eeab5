"""The name pytest knows gradekit's plugin by: ``gradekit.plugin`` (the ``pytest11`` entry point).

The plugin itself is :mod:`gradekit.harness.plugin`. This module only gives its hooks and fixtures
the registered name that the repository's conftest.py, and the conftest.py of every student
release made so far, list in ``pytest_plugins``; one name, so pytest never registers it twice.
"""

from gradekit.harness.plugin import (
    gradekit_task,
    pytest_addoption,
    pytest_collection_finish,
    pytest_collection_modifyitems,
    pytest_configure,
    pytest_make_collect_report,
    pytest_runtest_call,
    pytest_runtest_makereport,
    pytest_terminal_summary,
    speed,
)

__all__ = [
    "gradekit_task",
    "pytest_addoption",
    "pytest_collection_finish",
    "pytest_collection_modifyitems",
    "pytest_configure",
    "pytest_make_collect_report",
    "pytest_runtest_call",
    "pytest_runtest_makereport",
    "pytest_terminal_summary",
    "speed",
]
