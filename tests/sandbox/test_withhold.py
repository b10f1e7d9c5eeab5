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


def _reads_as(uid: int, path) -> bool:
    """Whether a process of ``uid`` can read ``path`` (a forked child that switches uid, then opens it)."""
    pid = os.fork()
    if pid == 0:
        try:
            os.setgid(uid)
            os.setuid(uid)
            with open(path) as f:
                f.read()
            os._exit(0)
        except BaseException:
            os._exit(1)
    return os.waitpid(pid, 0)[1] == 0


@pytest.fixture
def public_folder():
    """A folder every uid may enter (pytest's tmp_path is inside a private one)."""
    import shutil
    import tempfile
    from pathlib import Path

    folder = Path(tempfile.mkdtemp(prefix="gradekit-acl-"))
    os.chmod(folder, 0o755)
    yield folder
    shutil.rmtree(folder, ignore_errors=True)


def test_a_dataset_folder_is_closed_to_one_uid_only(public_folder):
    from gradekit.sandbox.parent.withhold import close_datasets

    assert os.geteuid() == 0, "closing a folder to one uid is tested as root: run the tests as root"
    folder = public_folder / "digits"
    folder.mkdir()
    (folder / "mnist.csv").write_text("0,1,2")
    for path in (folder, folder / "mnist.csv"):
        os.chmod(path, 0o755 if path.is_dir() else 0o644)
    sealed, other = 200_000 + (1 << 22) + 17, 200_017
    assert _reads_as(sealed, folder / "mnist.csv") and _reads_as(other, folder / "mnist.csv")
    said = close_datasets([folder], sealed)
    assert said.startswith("the course's datasets closed to this task's uid"), said
    assert not _reads_as(sealed, folder / "mnist.csv")
    assert _reads_as(other, folder / "mnist.csv")  # every other grading's workers still read it
    assert os.stat(folder).st_mode & 0o777 == 0o755
    assert close_datasets([folder], None).startswith("NOT hidden")


def test_what_a_uid_left_in_shared_scratch_is_deleted_and_nothing_else(tmp_path):
    from gradekit.sandbox.parent.withhold import remove_files_of

    assert os.geteuid() == 0, "files of another uid are made as root: run the tests as root"
    uid = 200_023
    (tmp_path / "deep" / "er").mkdir(parents=True)
    left = [tmp_path / ".digits.npz", tmp_path / "deep" / "er" / "copy.npy"]
    for path in left:
        path.write_text("stash")
        os.chown(path, uid, uid)
    mine = tmp_path / "deep" / "mine.txt"
    mine.write_text("the grader's")
    (tmp_path / "deep" / "link").symlink_to("/etc/hostname")
    assert remove_files_of(uid, [str(tmp_path)]) == 2
    assert not any(p.exists() for p in left)
    assert mine.read_text() == "the grader's" and (tmp_path / "deep" / "link").is_symlink()
