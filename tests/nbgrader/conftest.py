"""Drive real nbgrader on a temporary course: students' notebooks, submissions, the gradebook.

A student's notebook is always made from the release notebook that nbgrader generated, the way a
student gets it, then edited as the test needs (solution cells filled in, cells deleted or changed).
"""

from __future__ import annotations

import copy
import re
from pathlib import Path

import nbformat
import pytest

from gradekit.nbgrader import course as nbgrader_course

REPO = Path(__file__).resolve().parents[2]
FIXTURE = Path(__file__).resolve().parent / "fixture"
# The fixture is a course repository of its own (assignments/, solutions/), not tests of this one.
collect_ignore = ["fixture"]
MARKER_LINE = re.compile(r"^\s*### (BEGIN|END) SOLUTION\s*$")


def cell_key(c) -> str:
    return c.metadata.get("nbgrader", {}).get("grade_id", c.get("id"))


class Course:
    """An nbgrader course made by ``gradekit nbgrader``'s build, and what tests do with it."""

    def __init__(self, path: Path, repo: Path, questions: list[str]):
        self.path = path
        self.repo = repo
        self.built = nbgrader_course.build(repo, path, questions)

    def notebook(self, kind: str, qid: str):
        """kind: 'source', 'release' or 'autograded/<student>'."""
        return nbformat.read(str(self.path / kind / qid / f"{qid}.ipynb"), as_version=4)

    @staticmethod
    def cell(nb, key: str):
        """The cell with this grade_id (or, for cells without one, this cell id)."""
        for c in nb.cells:
            if cell_key(c) == key:
                return c
        raise KeyError(f"no cell {key!r} in the notebook")

    def solution_ids(self, qid: str) -> list[str]:
        return [
            cell_key(c) for c in self.notebook("release", qid).cells if c.metadata.get("nbgrader", {}).get("solution")
        ]

    def solved_text(self, qid: str, key: str) -> str:
        """What a student who solved the cell would have typed: the source cell without the markers."""
        source = self.cell(self.notebook("source", qid), key).source
        return "\n".join(ln for ln in source.splitlines() if not MARKER_LINE.match(ln))

    def student_notebook(self, qid: str, solved=(), replace=None, delete=(), insert_after=None):
        """The release notebook with the cells in ``solved`` filled from the source notebook
        ("all" for every one), sources replaced, cells deleted, or new code cells inserted."""
        nb = copy.deepcopy(self.notebook("release", qid))
        for key in self.solution_ids(qid) if solved == "all" else solved:
            self.cell(nb, key).source = self.solved_text(qid, key)
        for key, text in (replace or {}).items():
            self.cell(nb, key).source = text
        for n, (key, text) in enumerate((insert_after or {}).items()):
            index = nb.cells.index(self.cell(nb, key))
            nb.cells.insert(index + 1, nbformat.v4.new_code_cell(text, id=f"student-cell-{n}"))
        nb.cells = [c for c in nb.cells if cell_key(c) not in delete]
        return nb

    def submit(self, student: str, qid: str, nb) -> None:
        """Put a notebook where `nbgrader collect` puts it: submitted/<student>/<qid>/<qid>.ipynb."""
        folder = self.path / "submitted" / student / qid
        folder.mkdir(parents=True, exist_ok=True)
        nbformat.write(nb, str(folder / f"{qid}.ipynb"))
        (folder / "timestamp.txt").write_text("2030-01-01 12:00:00.000000 UTC\n")

    def nbgrader(self, *args: str):
        proc = nbgrader_course.nbgrader(self.path, *args, check=False)
        assert proc.returncode == 0, f"nbgrader {' '.join(args)} failed:\n{proc.stdout[-3000:]}\n{proc.stderr[-6000:]}"
        return proc

    def grades(self, qid: str, student: str) -> dict[str, dict]:
        """grade_id -> score, max_score, auto_score, needs_manual_grade, read from the gradebook."""
        from nbgrader.api import Gradebook

        with Gradebook(f"sqlite:///{self.path / 'gradebook.db'}") as gb:
            nb = gb.find_submission_notebook(qid, qid, student)
            return {
                g.name: {
                    "score": g.score,
                    "max_score": g.max_score,
                    "auto_score": g.auto_score,
                    "needs_manual_grade": g.needs_manual_grade,
                }
                for g in nb.grades
            }

    def task_points(self, qid: str, student: str) -> dict[str, float]:
        """task id -> the points nbgrader gave its test cell."""
        return {
            key[: -len("_tests")].replace("_", "."): g["score"]
            for key, g in self.grades(qid, student).items()
            if key.endswith("_tests")
        }


@pytest.fixture(scope="session")
def fixture_course(tmp_path_factory) -> Course:
    """The fixture question (two auto tasks, one written prompt) as an nbgrader course."""
    return Course(tmp_path_factory.mktemp("nbgrader") / "course", FIXTURE, ["q1"])


@pytest.fixture(scope="session")
def course_of(tmp_path_factory):
    """course_of(["q1", "q3"]): the course repository's own questions as an nbgrader course."""

    def build(questions: list[str]) -> Course:
        return Course(tmp_path_factory.mktemp("nbgrader-real") / "course", REPO, questions)

    return build
