"""Where the code under test comes from: ``assignments/``, ``solutions/`` or a submitted folder.

The same tests grade all three; this module turns what the user typed after ``--against``
into the folder that holds the ``qN/`` question folders.
"""

from __future__ import annotations

import os
from pathlib import Path

from gradekit.course.questions import QUESTION_RE

ENV_AGAINST = "GRADEKIT_AGAINST"


class LocateError(ValueError):
    """``--against`` names something that is not a submission; the message says what was found."""


def find_course_root(start: Path | None = None) -> Path:
    """The nearest folder at or above ``start`` (default: the working directory) holding assignments/."""
    start = Path(start or Path.cwd()).resolve()
    for folder in (start, *start.parents):
        if (folder / "assignments").is_dir():
            return folder
    raise LocateError(f"no assignments/ folder at or above {start}: run from inside the course repository")


def has_questions(folder: Path) -> bool:
    return folder.is_dir() and any(p.is_dir() and QUESTION_RE.match(p.name) for p in folder.iterdir())


def resolve_under_test(against: str | None, course_root: Path) -> Path:
    """The folder whose qN/ sub-folders hold the modules under test.

    ``None`` or ``"assignments"``: the student's working copy; ``"solutions"``: the reference
    solutions; anything else is a path to a copy of assignments/ or a repository containing one.
    """
    if against in (None, "", "assignments"):
        return (course_root / "assignments").resolve()
    if against == "solutions":
        sol = course_root / "solutions"
        if not sol.is_dir():
            raise LocateError(f"--against solutions: {sol} does not exist (a student release has no solutions)")
        return sol.resolve()
    path = Path(against).expanduser()
    if not path.is_absolute():
        path = Path.cwd() / path
    if not path.exists():
        raise LocateError(f"--against {against}: no such file or folder")
    if path.is_file():
        raise LocateError(
            f"--against {against}: is a file; unpack it first (`gradekit grade` accepts .zip and .tar.gz)"
        )
    if has_questions(path / "assignments"):
        return (path / "assignments").resolve()
    if has_questions(path):
        return path.resolve()
    if QUESTION_RE.match(path.name):
        raise LocateError(f"--against {against}: is a single question folder; pass the folder that contains it")
    raise LocateError(f"--against {against}: holds no question folders (q1/, q2/, ...) and no assignments/ folder")


def default_under_test() -> Path:
    """The target outside pytest (notebooks, workers): $GRADEKIT_AGAINST or assignments/ above the cwd."""
    against = os.environ.get(ENV_AGAINST)
    if against and Path(against).is_dir() and has_questions(Path(against)):
        return Path(against).resolve()
    return resolve_under_test(against, find_course_root())
