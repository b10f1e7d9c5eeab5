"""Kept for GitHub Classroom workflows generated before the layout by package, which run
``python -m gradekit.exports classroom-result results.json``.

The exports are :mod:`gradekit.grade.exports`; new workflows run that module.
"""

import sys

from gradekit.grade.exports import classroom_main

if __name__ == "__main__":
    sys.exit(classroom_main(sys.argv[1:]))
