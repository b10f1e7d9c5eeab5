"""withhold: what a worker of its own uid must not read loses its group and other permissions."""

from __future__ import annotations

import os

import pytest

from gradekit.sandbox.parent.withhold import withhold


@pytest.fixture
def umask_restored():
    old = os.umask(0o022)
    os.umask(old)
    yield
    os.umask(old)


def test_withholds_all_but_what_the_worker_needs(tmp_path, umask_restored):
    course = tmp_path / "course"
    for folder in ("solutions/q1/hidden", "tests", ".git", "gradekit/probes", "assignments/q1"):
        (course / folder).mkdir(parents=True)
        os.chmod(course / folder, 0o755)
    (course / "README.md").write_text("course")
    os.chmod(course / "README.md", 0o644)
    outside = tmp_path / "target.txt"
    outside.write_text("not the course's")
    os.chmod(outside, 0o644)
    (course / "link").symlink_to(outside)
    work = tmp_path / "work"
    (work / "submission").mkdir(parents=True)
    os.chmod(work, 0o711)
    out = tmp_path / "out"
    out.mkdir(mode=0o755)

    closed = withhold(course, [work, out], keep=[course / "gradekit", work / "submission"])

    assert set(closed) == {course / p for p in ("solutions", "tests", ".git", "assignments", "README.md")} | {out}
    for path in closed:
        assert not path.stat().st_mode & 0o077, path
    assert (course / "gradekit").stat().st_mode & 0o777 == 0o755  # the worker imports it
    assert work.stat().st_mode & 0o777 == 0o711  # it holds the staged submission
    assert outside.stat().st_mode & 0o777 == 0o644  # a link is not followed out of the course
    created = tmp_path / "results.json"
    created.write_text("{}")
    assert not created.stat().st_mode & 0o077  # what the grader writes from now on is private too


def test_a_second_grading_changes_nothing(tmp_path, umask_restored):
    (tmp_path / "solutions").mkdir(mode=0o755)
    assert withhold(tmp_path, [], keep=[]) == [tmp_path / "solutions"]
    assert withhold(tmp_path, [], keep=[]) == []
