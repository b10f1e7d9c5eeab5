"""The path checks and limits both ends of a request share (gradekit.sandbox.paths)."""

import pytest

from gradekit.sandbox import paths, wire


@pytest.mark.parametrize(
    "rel, expected", [("a.png", "a.png"), ("figs/./a.png", "figs/a.png"), ("figs//a.png", "figs/a.png")]
)
def test_relative_paths_inside_their_folder_are_kept(rel, expected):
    assert paths.safe_rel(rel) == expected


@pytest.mark.parametrize("rel", ["", ".", "/etc/passwd", "../up", "figs/../../up", "a/.."])
def test_empty_absolute_and_escaping_paths_are_refused(rel):
    with pytest.raises(wire.WireError, match="bad relative path"):
        paths.safe_rel(rel)


@pytest.mark.parametrize(
    "name, expected", [("out.png", "out.png"), ("a/b", "a_b"), ("", "path"), ("..", "path"), ("x\0y", "x_y")]
)
def test_names_never_carry_a_path(name, expected):
    assert paths.safe_name(name) == expected


def test_files_under_a_folder_are_sorted_capped_and_skip_links(tmp_path):
    folder = tmp_path / "out"
    (folder / "sub").mkdir(parents=True)
    for i in range(paths.MAX_FILES + 5):
        (folder / "sub" / f"f{i:03}.txt").write_text(str(i))
    (tmp_path / "secret").write_text("outside")
    (folder / "a-link").symlink_to(tmp_path / "secret")
    found = paths.files_under(folder)
    assert len(found) == paths.MAX_FILES
    assert found == sorted(found)
    assert folder / "a-link" not in found


def test_a_file_is_its_own_listing_and_a_missing_path_has_none(tmp_path):
    one = tmp_path / "one.txt"
    one.write_text("x")
    assert paths.files_under(one) == [one]
    assert paths.files_under(tmp_path / "absent") == []
    link = tmp_path / "link.txt"
    link.symlink_to(one)
    assert paths.files_under(link) == []
