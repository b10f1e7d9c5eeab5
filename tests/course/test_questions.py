"""Task tables: validation, and every question's README agreeing with its tasks.toml."""

import re
from pathlib import Path

import pytest

from gradekit.course.questions import TaskTableError, parse_task_table, question_folders

REPO = Path(__file__).resolve().parents[2]
GOOD = '[[task]]\nid = "q2.1"\ntitle = "a"\npoints = 70\n[[task]]\nid = "q2.2"\ntitle = "b"\npoints = 30\n'


def _table(tmp_path, text, folder="q2"):
    path = tmp_path / folder / "tasks.toml"
    path.parent.mkdir(exist_ok=True)
    path.write_text(text)
    return path


def test_a_good_table_parses(tmp_path):
    q = parse_task_table(_table(tmp_path, GOOD))
    assert [t.id for t in q.tasks] == ["q2.1", "q2.2"] and q.points == 100
    assert q.needs_gpu is False
    assert parse_task_table(_table(tmp_path, "needs_gpu = true\n" + GOOD)).needs_gpu is True
    assert [t.hide_datasets for t in q.tasks] == [False, False]
    hiding = parse_task_table(_table(tmp_path, GOOD.replace("points = 30", "points = 30\nhide_datasets = true")))
    assert [t.hide_datasets for t in hiding.tasks] == [False, True]


@pytest.mark.parametrize(
    "text, message",
    [
        (GOOD.replace("points = 30", "points = 20"), "must total 100 points, they total 90"),
        (GOOD.replace('"q2.2"', '"q2.1"'), "task ids repeat"),
        (GOOD.replace('"q2.2"', '"q3.2"'), "task id must look like q2.1, got 'q3.2'"),
        (GOOD + "[task.speed]\nfloor = 1\n", "speed needs a table with 'target'"),
        ("[[task\n", "not valid TOML"),
        ('question = "q7"\n' + GOOD, "does not match its folder"),
        ('needs_gpu = "yes"\n' + GOOD, "needs_gpu must be true or false, got 'yes'"),
        (
            GOOD.replace("points = 30", "points = 30\nhide_datasets = 1"),
            "q2.2: hide_datasets must be true or false, got 1",
        ),
    ],
)
def test_bad_tables_are_rejected_with_the_reason(tmp_path, text, message):
    with pytest.raises(TaskTableError, match=re.escape(message)):
        parse_task_table(_table(tmp_path, text))


QUESTIONS = [p for p in question_folders(REPO / "assignments")] if (REPO / "assignments").is_dir() else []


def _readme_rows(readme: Path) -> dict[str, list[str]]:
    rows = {}
    for line in readme.read_text(encoding="utf-8").splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if line.strip().startswith("|") and cells and re.match(r"^q\d+\.w?\d+$", cells[0]):
            rows[cells[0]] = cells
    return rows


@pytest.mark.parametrize("folder", QUESTIONS, ids=[p.name for p in QUESTIONS])
def test_readme_task_table_matches_tasks_toml(folder):
    question = parse_task_table(folder / "tasks.toml")
    readme = folder / "README.md"
    assert readme.is_file(), f"{folder.name} has no README.md"
    rows = _readme_rows(readme)
    expected = [(t.id, t.title, t.points, "auto") for t in question.tasks]
    expected += [(w.id, w.title, w.points, "written") for w in question.written]
    for tid, title, points, kind in expected:
        assert tid in rows, f"{folder.name}/README.md has no table row for {tid}"
        row = rows[tid]
        assert row[1] == title, f"{tid}: README says {row[1]!r}, tasks.toml says {title!r}"
        assert float(row[2]) == points, f"{tid}: README says {row[2]} points, tasks.toml says {points:g}"
        assert row[3].startswith(kind), f"{tid}: README says graded {row[3]!r}, expected {kind}"
    extra = set(rows) - {e[0] for e in expected}
    assert not extra, f"{folder.name}/README.md lists tasks that tasks.toml does not: {sorted(extra)}"


def test_the_top_readme_lists_every_question_with_its_title():
    rows = {}
    for line in (REPO / "README.md").read_text(encoding="utf-8").splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if line.startswith("| q") and re.match(r"^q\d+$", cells[0]):
            rows[cells[0]] = cells
    assert QUESTIONS, "no questions found"
    for folder in QUESTIONS:
        question = parse_task_table(folder / "tasks.toml")
        assert folder.name in rows, f"README.md's question table has no row for {folder.name}"
        assert rows[folder.name][1] == question.title, f"{folder.name}: README says {rows[folder.name][1]!r}"
        assert ("extra credit" in rows[folder.name][2]) == question.extra_credit, folder.name
    assert set(rows) == {f.name for f in QUESTIONS}, "README.md lists a question that does not exist"
