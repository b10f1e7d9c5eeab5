"""Path arguments on the wire: the limits and the path checks both sides of a request apply.

A test may pass a path to the student's code (a folder to save figures in, a file to read). The
parent sends the files under it with the request; the worker rebuilds them in a private folder,
lets the student's code use that, and sends back what is there afterwards, which the parent writes
over its own path. Both sides list files, bound their number and size, and check every relative
path the other side sent with the same rules, so the two can never disagree about what is allowed.
"""

from __future__ import annotations

from pathlib import Path

from gradekit.sandbox import wire

MAX_FILES = 64  # files per path argument, each way
MAX_FILE_BYTES = 64 * 2**20  # one file the worker sends back, and all of them together


def files_under(path: Path) -> list[Path]:
    """The regular files a path argument holds (itself when it is a file), sorted, at most MAX_FILES.

    Symbolic links to files are left out: a link in a student's folder could point anywhere.
    """
    if path.is_file() and not path.is_symlink():
        return [path]
    if path.is_dir():
        return sorted(p for p in path.rglob("*") if p.is_file() and not p.is_symlink())[:MAX_FILES]
    return []


def safe_rel(rel: str) -> str:
    """``rel`` as a relative path that stays inside its folder; WireError for anything else.

    Refused: empty, absolute (a leading ``/``), or with a ``..`` part. ``.`` parts and repeated
    slashes are dropped.
    """
    text = str(rel)
    parts = [p for p in text.split("/") if p not in ("", ".")]
    if not parts or ".." in parts or text.startswith("/"):
        raise wire.WireError(f"bad relative path {rel!r}")
    return "/".join(parts)


def safe_name(name: str) -> str:
    """A file name with no path in it, for the worker's copy of a path argument."""
    name = name.replace("/", "_").replace("\0", "_")
    return name if name not in ("", ".", "..") else "path"
