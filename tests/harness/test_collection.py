"""Collection errors the plugin explains, and the registered plugin name carrying every hook."""

import inspect

import gradekit
import gradekit.plugin
from gradekit.harness import plugin


def test_a_missing_question_checks_module_names_the_file_to_create(course):
    course.write(
        "assignments/q1/test_extra.py",
        """
        import pytest

        from gradekit.checks.q99 import assert_shape


        @pytest.mark.task("q1.1")
        def test_extra():
            assert_shape()
    """,
    )
    result = course.run("--against", "solutions")
    out = result.stdout.str()
    where = gradekit.__file__.rsplit("/", 1)[0] + "/checks/q99.py"
    assert "imports gradekit.checks.q99, which the gradekit in use does not have" in out
    assert f"create {where}" in out
    assert "pip install --no-build-isolation -e" in out
    assert result.ret != 0


def test_an_unrelated_missing_module_keeps_pythons_message(course):
    course.write("assignments/q1/test_extra.py", "import no_such_package_here\n")
    result = course.run("--against", "solutions")
    assert "No module named 'no_such_package_here'" in result.stdout.str()
    assert "which the gradekit in use does not have" not in result.stdout.str()


def test_the_registered_plugin_name_carries_every_hook_and_fixture():
    # pytest registers gradekit.plugin (the pytest11 entry point); a hook defined in
    # gradekit.harness.plugin but not re-exported there would silently never run.
    hooks = {
        name
        for name, obj in vars(plugin).items()
        if name.startswith("pytest_") and inspect.isfunction(obj) and obj.__module__ == plugin.__name__
    }
    fixtures = {name for name, obj in vars(plugin).items() if type(obj).__name__ == "FixtureFunctionDefinition"}
    assert "pytest_make_collect_report" in hooks and "speed" in fixtures
    for name in hooks | fixtures:
        assert getattr(gradekit.plugin, name, None) is getattr(plugin, name), f"gradekit.plugin lacks {name}"
