"""Only the expected module files leave a submission, from folders and from archives, safely."""

import io
import shutil
import tarfile
import zipfile

import pytest

from gradekit.grade import staging

from .conftest import COURSE

SOLUTION = (COURSE / "solutions" / "q1" / "arith.py").read_text()


def test_expected_files_are_the_stub_names_of_each_question():
    assert staging.expected_files(COURSE, ["q1", "q4"]) == {"q1": ["arith.py"], "q4": ["tinynet.py"]}


def test_a_repository_root_gives_its_modules_and_lists_the_rest(tmp_path):
    repo = tmp_path / "repo"
    for rel, text in {
        "assignments/q1/arith.py": SOLUTION,
        "assignments/q1/conftest.py": "x",
        "pytest.ini": "[pytest]",
        "assignments/q1/numpy.py": "",
        "sitecustomize.py": "",
        "evil.pth": "import os",
        "assignments/q1/test_arith.py": "",
    }.items():
        (repo / rel).parent.mkdir(parents=True, exist_ok=True)
        (repo / rel).write_text(text)
    (repo / "assignments" / "q2").mkdir()
    (repo / "assignments" / "q2" / "signal1d.py").symlink_to("/etc/passwd")
    staged = staging.stage(repo, COURSE, tmp_path / "staged")
    assert staged.copied == ["assignments/q1/arith.py".split("/", 1)[1]]
    assert (tmp_path / "staged" / "q1" / "arith.py").read_text() == SOLUTION
    assert staged.questions == ["q1"]
    assert set(staged.ignored) >= {
        "assignments/q1/conftest.py",
        "pytest.ini",
        "assignments/q1/numpy.py",
        "sitecustomize.py",
        "evil.pth",
        "assignments/q1/test_arith.py",
    }
    assert any("signal1d.py" in r and "link" in r for r in staged.refused)
    assert not (tmp_path / "staged" / "q2" / "signal1d.py").exists()


def test_zip_with_a_top_folder_and_hostile_members(tmp_path):
    path = tmp_path / "sub.zip"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("alice-hw/q1/arith.py", SOLUTION)
        zf.writestr("../escape.py", "x")
        zf.writestr("/abs/q1/arith.py", "x")
        link = zipfile.ZipInfo("alice-hw/q2/signal1d.py")
        link.external_attr = 0o120777 << 16
        zf.writestr(link, "/etc/passwd")
    staged = staging.stage(path, COURSE, tmp_path / "staged")
    assert staged.copied == ["q1/arith.py"]
    assert any("escape" in r for r in staged.refused) and any("/abs" in r for r in staged.refused)
    assert any("signal1d.py" in r for r in staged.refused)
    assert not (tmp_path / "escape.py").exists()


def test_tar_gz_refuses_links_and_caps_sizes(tmp_path):
    path = tmp_path / "sub.tar.gz"
    with tarfile.open(path, "w:gz") as tf:

        def add(name, data=b"", **kw):
            info = tarfile.TarInfo(name)
            for k, v in kw.items():
                setattr(info, k, v)
            info.size = len(data)
            tf.addfile(info, io.BytesIO(data))

        add("assignments/q1/arith.py", SOLUTION.encode())
        add("assignments/q2/signal1d.py", type=tarfile.SYMTYPE, linkname="/etc/shadow")
        add("assignments/q3/distances.py", b"#" * (staging.MAX_MODULE_BYTES + 10))
    staged = staging.stage(path, COURSE, tmp_path / "staged")
    assert staged.copied == ["q1/arith.py"]
    assert {r.split(" ")[0] for r in staged.refused} == {"assignments/q2/signal1d.py", "assignments/q3/distances.py"}


def test_not_an_archive(tmp_path):
    path = tmp_path / "notes.txt"
    path.write_text("hello")
    with pytest.raises(staging.StagingError, match="not a folder"):
        staging.stage(path, COURSE, tmp_path / "staged")


def test_a_folder_nested_past_the_limit_is_refused_without_recursing(tmp_path):
    deep = tmp_path / "sub"
    (deep / "q1").mkdir(parents=True)
    (deep / "q1" / "arith.py").write_text(SOLUTION)
    chain = deep.joinpath(*["d"] * (staging.MAX_DEPTH + 5))
    chain.mkdir(parents=True)
    with pytest.raises(staging.StagingError, match=f"nest more than {staging.MAX_DEPTH} deep"):
        staging.stage(deep, COURSE, tmp_path / "staged")


def test_links_in_a_folder_are_never_followed_or_read(tmp_path):
    sub = tmp_path / "sub"
    (sub / "q1").mkdir(parents=True)
    (sub / "q1" / "arith.py").write_text(SOLUTION)
    (sub / "q2").mkdir()
    (sub / "q2" / "signal1d.py").symlink_to("/proc/self/pagemap")
    (sub / "loop").symlink_to(sub)  # a link back up would make a walk that follows links endless
    staged = staging.stage(sub, COURSE, tmp_path / "staged")
    assert staged.copied == ["q1/arith.py"]
    assert staged.refused == ["q2/signal1d.py (a link or special file, not a regular file)"]


def test_an_archive_that_expands_past_the_cap_is_refused_whatever_its_name_says(tmp_path, monkeypatch):
    monkeypatch.setattr(staging, "MAX_ARCHIVE_BYTES", 2**20)
    path = tmp_path / "sub.tar.gz"  # really bzip2, as in the attack
    with tarfile.open(path, "w:bz2") as tf:
        info = tarfile.TarInfo("q1/arith.py")
        info.size = len(SOLUTION)
        tf.addfile(info, io.BytesIO(SOLUTION.encode()))
        filler = tarfile.TarInfo("q1/filler.bin")
        filler.size = 4 * 2**20
        tf.addfile(filler, io.BytesIO(bytes(filler.size)))
    assert path.stat().st_size < 10_000
    with pytest.raises(staging.StagingError, match="sub.tar.gz expands to more than 1 MiB"):
        staging.stage(path, COURSE, tmp_path / "staged")


def test_a_small_bzip2_tar_named_tar_gz_is_read(tmp_path):
    path = tmp_path / "sub.tar.gz"
    with tarfile.open(path, "w:bz2") as tf:
        info = tarfile.TarInfo("q1/arith.py")
        info.size = len(SOLUTION)
        tf.addfile(info, io.BytesIO(SOLUTION.encode()))
    assert staging.stage(path, COURSE, tmp_path / "staged").copied == ["q1/arith.py"]


def test_a_notebook_is_named_as_not_graded_here(tmp_path):
    sub = tmp_path / "sub"
    (sub / "q1").mkdir(parents=True)
    (sub / "q1" / "q1.ipynb").write_text("{}")
    staged = staging.stage(sub, COURSE, tmp_path / "staged")
    assert staged.notebooks == ["q1/q1.ipynb"] and staged.copied == []


def test_a_loose_module_goes_to_the_one_question_asked_that_has_it(tmp_path):
    sub = tmp_path / "upload"
    sub.mkdir()
    (sub / "arith.py").write_text(SOLUTION)  # as Gradescope's file upload gives it
    (sub / "notes.py").write_text("")
    staged = staging.stage(sub, COURSE, tmp_path / "staged", ["q1"])
    assert staged.copied == ["q1/arith.py"] and staged.questions == ["q1"]
    assert "notes.py" in staged.ignored


def test_the_folder_copy_wins_over_a_loose_one(tmp_path):
    sub = tmp_path / "upload"
    (sub / "q1").mkdir(parents=True)
    (sub / "q1" / "arith.py").write_text(SOLUTION)
    (sub / "arith.py").write_text("an older draft")
    staged = staging.stage(sub, COURSE, tmp_path / "staged", ["q1"])
    assert staged.copied == ["q1/arith.py"]
    assert (tmp_path / "staged" / "q1" / "arith.py").read_text() == SOLUTION


def test_a_loose_name_two_questions_share_is_reported_not_guessed(tmp_path):
    course = tmp_path / "course"
    shutil.copytree(COURSE, course)
    shutil.copy(course / "assignments" / "q1" / "arith.py", course / "assignments" / "q2" / "arith.py")
    sub = tmp_path / "upload"
    sub.mkdir()
    (sub / "arith.py").write_text(SOLUTION)
    staged = staging.stage(sub, course, tmp_path / "staged", ["q1", "q2"])
    assert staged.copied == []
    assert staged.refused == ["arith.py (a module of q1, q2: put it in its question's folder, e.g. q1/arith.py)"]
