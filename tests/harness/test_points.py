"""Points arithmetic through real pytest sessions: full, zero, partial, and every way a task can fail."""


def scores(result) -> dict[str, float]:
    return {tid: t["score"] for tid, t in result.tasks.items()}


def test_solutions_earn_every_point(course):
    result = course.run("--against", "solutions")
    assert scores(result) == {"q1.1": 40, "q1.2": 30, "q1.3": 20, "q1.4": 10}
    assert result.report["score"] == 100
    result.stdout.fnmatch_lines(["*gradekit: q1 Sample (against solutions)*", "*q1 total*100/100*"])


def test_untouched_stubs_say_not_implemented_without_tracebacks(course):
    result = course.run()
    assert result.report["score"] == 0
    for tid, task in result.tasks.items():
        assert task["output"].startswith("not implemented yet"), (tid, task["output"])
    result.stdout.fnmatch_lines(["*q1.1 not implemented yet (add)*", "*q1 total*0/100*"])
    # The stub's raise is the whole story: no traceback lines are printed for it.
    assert "raise NotImplementedError" not in result.stdout.str()
    assert "Traceback" not in result.stdout.str()


def test_half_done_submission_gets_exactly_its_tasks(course):
    stub_scale = "def scale(x, k):\n    raise NotImplementedError('q1.2 not implemented yet: scale')\n"
    sub = course.submission("half", arith="def add(a, b):\n    return a + b\n\n" + stub_scale)
    result = course.run("--against", str(sub))
    assert scores(result) == {"q1.1": 40, "q1.2": 0, "q1.3": 0, "q1.4": 10}


def test_tests_of_a_task_share_its_points(course):
    sub = course.submission(
        "partial",
        arith=course.root.joinpath("solutions/q1/arith.py").read_text()
        + "\n\ndef add(a, b):\n    return a + b if a > 0 else 0\n",
    )
    result = course.run("--against", str(sub))
    assert scores(result)["q1.1"] == 20
    assert result.tasks["q1.1"]["status"] == "failed"
    result.stdout.fnmatch_lines(["*q1.1*20/40*partial*add(-2, 3) should be 1*"])


def test_exception_in_student_code_names_the_error_and_line(course):
    sub = course.submission("crash", stats="def mean(x):\n    total = sum(x)\n    return total / 0\n")
    result = course.run("--against", str(sub))
    assert result.tasks["q1.4"]["score"] == 0
    assert result.tasks["q1.4"]["output"] == "ZeroDivisionError: float division by zero (stats.py, line 3)"


def test_missing_function_costs_only_its_task(course):
    sub = course.submission("nofunc", arith="def add(a, b):\n    return a + b\n")
    result = course.run("--against", str(sub))
    assert scores(result) == {"q1.1": 40, "q1.2": 0, "q1.3": 0, "q1.4": 10}
    assert result.tasks["q1.2"]["output"] == "q1/arith.py has no `scale`"


def test_missing_file_costs_the_tasks_that_use_it(course):
    sub = course.submission("nofile", stats=None)
    result = course.run("--against", str(sub))
    assert scores(result)["q1.4"] == 0 and scores(result)["q1.1"] == 40
    assert result.tasks["q1.4"]["output"].startswith("q1/stats.py is missing from the submission")


def test_import_error_costs_the_module_and_shows_the_error(course):
    sub = course.submission("broken", arith="import numpy as np\nx = [1, 2][5]\n")
    result = course.run("--against", str(sub))
    assert scores(result) == {"q1.1": 0, "q1.2": 0, "q1.3": 0, "q1.4": 10}
    assert result.tasks["q1.1"]["output"] == (
        "importing q1/arith.py failed: IndexError: list index out of range (arith.py, line 2)"
    )
    result.stdout.fnmatch_lines(["*x = [[]1, 2[]][[]5[]]*"])  # the student's own line is shown


def test_setup_error_and_skip_earn_nothing(course):
    course.write(
        "assignments/q1/test_extra.py",
        """
        import pytest

        @pytest.fixture
        def broken():
            raise RuntimeError("fixture exploded")

        @pytest.mark.task("q1.4")
        def test_needs_fixture(broken):
            pass

        @pytest.mark.task("q1.4")
        def test_skipped():
            pytest.skip("not today")
        """,
    )
    result = course.run("--against", "solutions")
    # q1.4 now has three tests; only test_mean passes.
    assert abs(scores(result)["q1.4"] - 10 / 3) < 1e-3
    assert "could not set up the test: RuntimeError: fixture exploded" in result.tasks["q1.4"]["output"]


def test_interrupted_run_reports_no_more_than_passed(course):
    sub = course.submission("first-fails", arith="def add(a, b):\n    return 0\n\ndef scale(x, k):\n    return x\n")
    result = course.run("--against", str(sub), "-x")
    assert result.report["score"] == 0
    assert result.tasks["q1.4"]["output"] == "did not run"


def test_task_option_and_marker_select_one_task(course):
    result = course.run("--against", "solutions", "--task", "q1.4")
    result.assert_outcomes(passed=1, deselected=4)
    assert scores(result) == {"q1.1": 0, "q1.2": 0, "q1.3": 0, "q1.4": 10}
    result.stdout.fnmatch_lines(["*only 1 of 4 tasks ran*"])
    marked = course.run("--against", "solutions", "-m", "q1_1")
    marked.assert_outcomes(passed=2, deselected=3)


def test_unknown_task_id_is_a_usage_error(course):
    course.write(
        "assignments/q1/test_bad.py",
        """
        import pytest

        @pytest.mark.task("q1.9")
        def test_x():
            pass
        """,
    )
    result = course.run()
    assert result.ret != 0
    result.stderr.fnmatch_lines(["*q1 has no task 'q1.9'*"])


def test_verbose_and_tb_options_still_work(course):
    sub = course.submission(
        "wrong",
        arith=course.root.joinpath("solutions/q1/arith.py").read_text() + "\n\ndef add(a, b):\n    return a - b\n",
    )
    result = course.run("--against", str(sub), "-v", "--tb=long")
    result.stdout.fnmatch_lines(
        ["*test_arith.py::test_add_small FAILED*", "*def test_add_small():*", "*AssertionError: add(2, 3) should be 5*"]
    )


def test_bad_against_path_is_a_clear_usage_error(course):
    result = course.run("--against", "no/such/folder")
    assert result.ret != 0
    result.stderr.fnmatch_lines(["*--against no/such/folder: no such file or folder*"])
