"""Kept for notebooks generated before the layout by package: they import ``gradekit.notebook``.

The notebook runtime is :mod:`gradekit.nbgrader.runtime`; new notebooks import it by that name.
"""

from gradekit.nbgrader.runtime import grade_task, load_module, start_fresh

__all__ = ["grade_task", "load_module", "start_fresh"]
