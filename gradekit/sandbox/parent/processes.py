"""The processes of a sandbox, found from /proc and signalled all at once: by the worker's own uid
where it has one (kill(-1) as that uid reaches every one of them in one pass), else by walking the
tree below the sandbox's root."""

from __future__ import annotations

import contextlib
import os
import signal
import time
from pathlib import Path

UID_BASE = 200_000  # well above any account's uid; a grading's worker uses UID_BASE + the grading's pid


def processes_of(uid: int) -> list[int]:
    """Host pids of the processes owned by ``uid``."""
    pids = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if entry.stat().st_uid == uid:
                    pids.append(int(entry.name))
            except OSError:
                continue
    return pids


def signal_as(uid: int, sig: int) -> None:
    """Send ``sig`` to every process of ``uid`` at once: a helper switches to that uid and calls
    kill(-1, sig), which reaches all of the uid's processes in one pass."""
    pid = os.fork()
    if pid == 0:  # pragma: no cover - the helper child
        try:
            os.setgroups([])
            os.setgid(uid)
            os.setuid(uid)
            os.kill(-1, sig)
        finally:
            os._exit(0)
    os.waitpid(pid, 0)


def sweep_uid(uid: int | None, timeout: float = 10.0) -> bool:
    """Kill every process of ``uid`` (a worker uid, never ours) and wait until none is left.

    A helper switches to that uid and calls kill(-1, SIGKILL), which reaches all of the uid's
    processes in one pass, so a fork bomb cannot outrun it. Returns True when none is left.
    """
    if uid is None or uid == os.geteuid() or uid < UID_BASE:
        return True
    deadline = time.monotonic() + timeout
    while processes_of(uid):
        if time.monotonic() > deadline:
            return False
        signal_as(uid, signal.SIGKILL)
        time.sleep(0.02)
    return True


def descendants(root: int) -> list[int]:
    """Host pids of every process below ``root`` (read from /proc; a snapshot)."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            # The parent pid is the 2nd field after the command name, which may hold spaces: split after ')'.
            ppid = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
        except (OSError, ValueError, IndexError):
            continue
        children.setdefault(ppid, []).append(int(entry.name))
    found, todo = [], [root]
    while todo:
        for child in children.get(todo.pop(), []):
            found.append(child)
            todo.append(child)
    return found


def signal_sandbox(root: int, uid: int | None, sig: int, passes: int = 3) -> None:
    """Send ``sig`` to every process of the sandbox: as its own uid when it has one (kill(-1)
    reaches all of them at once), else to each process below the sandbox's root, a few passes so
    that a process started meanwhile is reached too."""
    if uid is not None and uid != os.geteuid() and uid >= UID_BASE:
        signal_as(uid, sig)
        return
    for _ in range(passes):
        for pid in descendants(root):
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.kill(pid, sig)
