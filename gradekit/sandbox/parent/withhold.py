"""Without a mount namespace, what the worker must not read is made unreadable to its uid.

bubblewrap hides the course repository under an empty tmpfs. Without it (no user namespaces, as on
Gradescope's image) the worker still runs as a uid of its own when grading runs as root, and file
modes are then what stands between it and the reference solutions: before any student code runs,
every entry of the course repository that the worker's Python does not need (solutions/ and its
hidden tests, tests/, the git history, ...) and every grading folder loses its group and other
permissions. The change is left in place: restoring it when one grading ends would expose the files
to another grading still running from the same repository.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path


def _inside(path: Path, folder: Path) -> bool:
    return path == folder or folder in path.parents


def _close(path: Path) -> bool:
    """chmod go-rwx ``path`` itself (not a link's target); True when its mode changed."""
    try:
        mode = path.lstat().st_mode
    except OSError:
        return False
    if stat.S_ISLNK(mode) or not mode & 0o077:
        return False
    os.chmod(path, stat.S_IMODE(mode) & ~0o077)
    return True


def withhold(course_root: Path, hide: list[Path], keep: list[Path]) -> list[Path]:
    """Close to other uids each entry of ``course_root`` holding nothing of ``keep``, and each of ``hide``.

    ``keep`` lists what the worker must read (its Python installation, gradekit, the staged
    submission); an entry that holds one of them is left as it is, and so is a hidden folder that
    holds one (the grading's work folder, 0711, holds the staged submission). Files this process
    writes from now on (results, facts) are created private too. Returns the paths whose modes
    changed.
    """
    os.umask(os.umask(0o077) | 0o077)
    keep = [p.resolve() for p in keep]
    root = course_root.resolve()
    candidates = sorted(root.iterdir()) if root.is_dir() else []
    candidates += [p.resolve() for p in hide if p.exists()]
    closed = []
    for path in candidates:
        if any(_inside(k, path) for k in keep):
            continue
        if _close(path):
            closed.append(path)
    return closed
