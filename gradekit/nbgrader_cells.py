"""Kept for nbgrader_config.py files written before the layout by package, which name
``gradekit.nbgrader_cells.RestoreDeletedSolutionCells`` among autograde's preprocessors.

The preprocessor is :class:`gradekit.nbgrader.preprocessors.RestoreDeletedSolutionCells`;
``gradekit nbgrader`` writes that name into a course's config.
"""

from gradekit.nbgrader.preprocessors import RestoreDeletedSolutionCells

__all__ = ["RestoreDeletedSolutionCells"]
