"""An nbgrader preprocessor for autograde: an empty cell where a student deleted a solution cell.

nbgrader (``OverwriteCells.add_missing_cells``) puts a deleted test cell back right after the
solution or test cell that preceded it in the release. When the student deleted that solution cell
too (a task they gave up on, both cells gone), nbgrader stops with a KeyError and grades nothing
of the notebook. Run before OverwriteCells, this preprocessor puts an empty solution cell back in
its place first: nbgrader can then restore the test cell, the task whose code is gone earns
nothing, and every other task is graded as usual. The course's nbgrader_config.py lists it in
``Autograde.sanitize_preprocessors`` (see :mod:`gradekit.nbgrader.course`).
"""

from __future__ import annotations

import nbformat
from nbgrader.api import Gradebook
from nbgrader.preprocessors import NbGraderPreprocessor
from traitlets import Unicode

NBGRADER_SANITIZE = [
    "nbgrader.preprocessors.ClearOutput",
    "nbgrader.preprocessors.DeduplicateIds",
    "nbgrader.preprocessors.OverwriteKernelspec",
    "gradekit.nbgrader.preprocessors.RestoreDeletedSolutionCells",
    "nbgrader.preprocessors.OverwriteCells",
    "nbgrader.preprocessors.CheckCellMetadata",
]


def _grade_id(cell) -> str | None:
    return cell.metadata.get("nbgrader", {}).get("grade_id")


class RestoreDeletedSolutionCells(NbGraderPreprocessor):
    """Insert an empty solution cell for each solution cell (not an answer cell) missing from the notebook."""

    placeholder = Unicode(
        "# This cell was deleted from the submission: an empty one was put back so that the rest of "
        "the notebook is graded.",
        help="The text of a solution cell put back in place of a deleted one",
    ).tag(config=True)

    def preprocess(self, nb, resources):
        info = resources["nbgrader"]
        with Gradebook(info["db_url"]) as gb:
            source = gb.find_notebook(info["notebook"], info["assignment"])
            order = [c.name for c in source.source_cells]
            types = {c.name: c.cell_type for c in source.source_cells}
            # Answer cells are grade cells too, and nbgrader already restores those.
            restorable = {c.name for c in source.solution_cells} - {c.name for c in source.grade_cells}
        present = {_grade_id(c) for c in nb.cells} - {None}
        for position, name in enumerate(order):
            if name not in restorable or name in present:
                continue
            later = [n for n in order[position + 1 :] if n in present]
            cell = self._empty_cell(name, types[name])
            index = (
                next((i for i, c in enumerate(nb.cells) if _grade_id(c) == later[0]), len(nb.cells))
                if later
                else len(nb.cells)
            )
            nb.cells.insert(index, cell)
            present.add(name)
            self.log.warning("Solution cell %s was deleted; an empty one was put in its place", name)
        return nb, resources

    def _empty_cell(self, name: str, cell_type: str):
        meta = {
            "nbgrader": {
                "grade": False,
                "grade_id": name,
                "locked": False,
                "schema_version": 3,
                "solution": True,
                "task": False,
            }
        }
        if cell_type == "markdown":
            return nbformat.v4.new_markdown_cell(self.placeholder, metadata=meta)
        return nbformat.v4.new_code_cell(self.placeholder, metadata=meta)
