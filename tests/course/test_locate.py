"""--against: what it accepts and how it says no."""

import pytest

from gradekit.course.locate import LocateError, resolve_under_test


@pytest.fixture
def root(tmp_path):
    (tmp_path / "assignments" / "q1").mkdir(parents=True)
    (tmp_path / "solutions" / "q1").mkdir(parents=True)
    return tmp_path


def test_named_targets(root):
    assert resolve_under_test(None, root) == (root / "assignments").resolve()
    assert resolve_under_test("solutions", root) == (root / "solutions").resolve()


def test_a_copy_of_assignments_or_a_repo_containing_one(root, tmp_path):
    copy = tmp_path / "copy" / "q1"
    copy.mkdir(parents=True)
    assert resolve_under_test(str(copy.parent), root) == copy.parent.resolve()
    repo = tmp_path / "repo" / "assignments" / "q2"
    repo.mkdir(parents=True)
    assert resolve_under_test(str(repo.parents[1]), root) == repo.parent.resolve()


@pytest.mark.parametrize(
    "make, message",
    [
        (lambda t: t / "nothing", "no such file or folder"),
        (lambda t: (t / "empty").mkdir() or t / "empty", "holds no question folders"),
        (lambda t: (t / "q4").mkdir() or t / "q4", "is a single question folder"),
        (lambda t: (t / "sub.zip").write_text("") or t / "sub.zip", "is a file; unpack it first"),
    ],
)
def test_bad_targets_say_why(root, tmp_path, make, message):
    with pytest.raises(LocateError, match=message):
        resolve_under_test(str(make(tmp_path)), root)


def test_solutions_missing_in_a_student_release(tmp_path):
    (tmp_path / "assignments" / "q1").mkdir(parents=True)
    with pytest.raises(LocateError, match="a student release has no solutions"):
        resolve_under_test("solutions", tmp_path)
