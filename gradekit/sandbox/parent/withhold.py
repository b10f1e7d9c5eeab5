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
import shutil
import stat
import struct
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


# POSIX access ACLs as Linux stores them (the system.posix_acl_access attribute): a version, then
# (tag, perm, id) entries ordered by tag and id.
_ACL_XATTR = "system.posix_acl_access"
_ACL_VERSION = 2
_USER_OBJ, _USER, _GROUP_OBJ, _GROUP, _MASK, _OTHER = 0x01, 0x02, 0x04, 0x08, 0x10, 0x20
_NO_ID = 0xFFFFFFFF


def _acl_entries(path: Path) -> list[tuple[int, int, int]]:
    """The access ACL of ``path``: its own entries, or the three its mode bits stand for."""
    try:
        raw = os.getxattr(path, _ACL_XATTR, follow_symlinks=False)
    except OSError:
        mode = path.lstat().st_mode
        return [(_USER_OBJ, mode >> 6 & 7, _NO_ID), (_GROUP_OBJ, mode >> 3 & 7, _NO_ID), (_OTHER, mode & 7, _NO_ID)]
    return [struct.unpack_from("<HHI", raw, 4 + 8 * i) for i in range((len(raw) - 4) // 8)]


def deny_uid(path: Path, uid: int) -> bool:
    """Give ``uid`` no access at all to ``path`` (a named-user ACL entry with no permissions), leaving
    every other user's access as it was; True when the ACL is in place.

    A folder closed so cannot be entered, so nothing below it can be read by that uid either. This
    is how a task that may not read the course's datasets is kept from them without bubblewrap:
    file modes would close them to every other grading's worker too. False where the filesystem
    has no ACLs (the caller then reports the datasets as not hidden).
    """
    try:
        entries = [e for e in _acl_entries(path) if not (e[0] == _USER and e[2] == uid)]
        if not any(tag == _MASK for tag, _, _ in entries):  # named entries need a mask: the group's bits
            group = next(perm for tag, perm, _ in entries if tag == _GROUP_OBJ)
            entries.append((_MASK, group, _NO_ID))
        entries.append((_USER, 0, uid))
        entries.sort(key=lambda e: (e[0], e[2]))
        raw = struct.pack("<I", _ACL_VERSION) + b"".join(struct.pack("<HHI", *e) for e in entries)
        os.setxattr(path, _ACL_XATTR, raw, follow_symlinks=False)
        return (_USER, 0, uid) in _acl_entries(path)
    except OSError:
        return False


def close_datasets(datasets: list[Path], uid: int | None) -> str:
    """Without a mount namespace: deny the task's own uid the dataset folders by ACL; what was done."""
    if uid is None:
        return "NOT hidden: without bubblewrap, hiding the datasets needs grading as root (a uid of its own)"
    if not all(deny_uid(p, uid) for p in datasets):
        return "NOT hidden: without bubblewrap, hiding the datasets needs a filesystem with ACLs"
    return f"the course's datasets closed to this task's uid {uid} by ACL ({len(datasets)} folders)"


#: Folders every uid may write to: where a worker could leave a copy for a later one to read.
SHARED_SCRATCH = ("/tmp", "/var/tmp", "/dev/shm", "/run/lock", "/var/lock", "/dev/mqueue")


def remove_files_of(uid: int, folders=SHARED_SCRATCH) -> int:
    """Delete everything ``uid`` owns in ``folders`` (lstat only, no link followed); returns how many.

    Run before a task's worker of another uid starts where no mount namespace gives it scratch
    folders of its own, so that what an earlier worker left there does not reach it.
    """
    removed = 0
    stack = [Path(f) for f in folders if Path(f).is_dir() and not Path(f).is_symlink()]
    while stack:
        folder = stack.pop()
        try:
            entries = list(os.scandir(folder))
        except OSError:
            continue
        for entry in entries:
            try:
                info = entry.stat(follow_symlinks=False)
                if info.st_uid == uid:
                    if stat.S_ISDIR(info.st_mode):
                        shutil.rmtree(entry.path, ignore_errors=True)
                    else:
                        os.unlink(entry.path)
                    removed += 1
                elif stat.S_ISDIR(info.st_mode):
                    stack.append(Path(entry.path))
            except OSError:
                continue
    return removed
