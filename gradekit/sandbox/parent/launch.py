"""How grade mode starts the process that runs a submission's code, and how it ends every trace of it.

The strongest sandbox available is used and the report lists what was active:

- bubblewrap (``bwrap``): the host filesystem read-only, the course repository, HOME, /tmp, /run
  and the grading folders hidden under empty tmpfs mounts (the Python installation and the
  gradekit package bound back read-only), the staged submission bound read-only at
  ``SUBMISSION_MOUNT``, no network, its own PID, IPC and UTS namespaces, a new session, killed with
  its parent, capabilities dropped.
- otherwise (``GRADEKIT_SANDBOX=rlimits`` or no working bwrap): a plain child process. The
  filesystem is then NOT hidden; as root, the course repository and the grading folders are made
  private to their owner instead (gradekit.sandbox.parent.withhold) and the worker's own uid cannot
  read them, and the worker takes a network namespace of its own where the kernel lets root make
  one; as any other user both stay open. The report says which.

Always: ``python -I``, a clean environment (no tokens: only the variables in ``_KEEP_ENV``), a
private HOME and TMPDIR, a new session, rlimits (CPU, address space, file size, open files,
processes, core dumps off). When grading runs as root the worker drops to a uid of its own
(``worker_uid``), unique to this grading, so it can neither signal nor read anything of root's,
its process count is limited, and every process it leaves behind can be killed by uid.
"""

from __future__ import annotations

import functools
import os
import resource
import shutil
import signal
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from gradekit.sandbox.parent.processes import UID_BASE, processes_of
from gradekit.sandbox.parent.withhold import close_datasets, withhold

SUBMISSION_MOUNT = "/run/gradekit/submission"
ENV_MODE = "GRADEKIT_SANDBOX"  # auto (default) | bwrap | rlimits
_KEEP_ENV = ("LANG", "LC_ALL", "GRADEKIT_DATA", "CUDA_VISIBLE_DEVICES")


class SandboxError(RuntimeError):
    """The sandbox asked for cannot be started here."""


@dataclass(frozen=True)
class Limits:
    """Resources one task's worker may use."""

    memory_mb: int = int(os.environ.get("GRADEKIT_MEMORY_MB", "4096"))  # on top of the preloaded imports
    file_mb: int = 64  # largest file it may write
    open_files: int = 512
    processes: int = 256  # processes and threads of the worker's uid
    tmp_mb: int = 256  # size of each tmpfs it may write to


@dataclass
class Launch:
    """Everything needed to start the zygote worker, and what protects it."""

    argv: list[str]
    env: dict[str, str]
    submission: str  # where the staged submission appears inside
    uid: int | None  # the uid the worker switches to (root only)
    kill_all: bool  # may the zygote kill(-1) leftovers (own PID namespace or own uid)?
    scratch: str | None = None  # without bwrap: the private HOME and TMPDIR folder, removed at the end
    protections: dict[str, str] = field(default_factory=dict)


# The host's files read-only, a fresh /dev and /proc: the base of every bwrap sandbox (and its probe).
_SYSTEM_READ_ONLY = ("--ro-bind", "/", "/", "--dev", "/dev", "--proc", "/proc")


@functools.lru_cache(maxsize=None)
def bwrap_path() -> str | None:
    """bwrap, if it is installed and can build a sandbox here (containers often forbid namespaces)."""
    exe = shutil.which("bwrap")
    if exe is None:
        return None
    try:
        probe = subprocess.run(
            [
                exe,
                *_SYSTEM_READ_ONLY,
                "--unshare-pid",
                "--unshare-net",
                "--die-with-parent",
                "true",
            ],
            capture_output=True,
            timeout=30,
        )
    except (OSError, subprocess.TimeoutExpired):
        return None
    return exe if probe.returncode == 0 else None


@functools.lru_cache(maxsize=None)
def can_leave_network() -> bool:
    """Whether a process here may take a network namespace of its own (root, and namespaces allowed)."""
    if os.geteuid() != 0:
        return False
    probe = "import ctypes,sys; sys.exit(ctypes.CDLL(None, use_errno=True).unshare(0x40000000) != 0)"
    try:
        return subprocess.run([sys.executable, "-I", "-c", probe], capture_output=True, timeout=30).returncode == 0
    except (OSError, subprocess.TimeoutExpired):
        return False


def mode() -> str:
    """'bwrap' or 'rlimits', from $GRADEKIT_SANDBOX and what works here."""
    wanted = os.environ.get(ENV_MODE, "auto")
    if wanted not in ("auto", "bwrap", "rlimits"):
        raise SandboxError(f"{ENV_MODE}={wanted!r}: use auto, bwrap or rlimits")
    if wanted == "rlimits":
        return "rlimits"
    if bwrap_path() is not None:
        return "bwrap"
    if wanted == "bwrap":
        raise SandboxError(f"{ENV_MODE}=bwrap but bubblewrap is missing or cannot create namespaces here")
    return "rlimits"


def worker_uid() -> int | None:
    """A uid for this grading's worker when running as root (so a fork bomb meets RLIMIT_NPROC and
    leftovers can be killed by uid); None when not root. Unique among running gradings: it is
    derived from the pid of the process that asks (`gradekit grade`), which passes it on."""
    if os.geteuid() != 0:
        return None
    return UID_BASE + os.getpid()


_SEALED_OFFSET = 1 << 22  # above Linux's largest pid: no grading's own uid can be a sealed one


def sealed_uid(uid: int | None) -> int | None:
    """The uid of a grading's workers for the tasks that may not read the course's datasets: one
    apart from its other workers', so that what those can read (and leave behind) it need not."""
    return None if uid is None else uid + _SEALED_OFFSET


def clean_env(home: str, tmp: str) -> dict[str, str]:
    env = {k: os.environ[k] for k in _KEEP_ENV if k in os.environ}
    env.update(
        HOME=home,
        TMPDIR=tmp,
        PATH="/usr/local/bin:/usr/bin:/bin",
        PYTHONHASHSEED="0",
        PYTHONDONTWRITEBYTECODE="1",
        MPLBACKEND="Agg",
        LANG=env.get("LANG", "C.UTF-8"),
    )
    return env


def _inside(path: Path, folder: Path) -> bool:
    return path == folder or folder in path.parents


def _python_paths() -> list[Path]:
    """What the worker's interpreter needs to read: its installation, the venv and gradekit itself."""
    import gradekit

    installs = [Path(sys.prefix), Path(sys.base_prefix), Path(os.path.realpath(sys.executable)).parent.parent]
    paths = {*installs, Path(gradekit.__file__).resolve().parent}
    # Only installed packages: a sys.path entry pointing into the course (tests/, the rootdir) stays hidden.
    paths.update(
        Path(p)
        for p in sys.path
        if p
        and Path(p).is_dir()
        and (Path(p).name in ("site-packages", "dist-packages") or any(_inside(Path(p), i) for i in installs))
    )
    return sorted({p.resolve() for p in paths if p.exists()})


def _private_ancestors() -> list[Path]:
    """Folders above the Python installation that other uids cannot enter (a pyenv under /root):
    private, so they are hidden, and the installation is bound back where the worker's uid can read it."""
    found = set()
    for path in _python_paths():
        for folder in reversed(path.parents):
            if folder != Path("/") and not folder.stat().st_mode & 0o001:
                found.add(folder)
                break
    return sorted(found)


def _cover(secret: Path, tmp_size: str) -> list[str]:
    """bwrap arguments that hide ``secret``: an empty tmpfs over a folder, /dev/null over a file."""
    if secret.is_dir():
        return ["--size", tmp_size, "--tmpfs", str(secret)]  # sized: it may be writable inside
    return ["--ro-bind", "/dev/null", str(secret)]


def _bwrap_argv(
    exe: str, staged: Path, hide: list[Path], limits: Limits, privileged: bool, switch_uid: bool
) -> list[str]:
    tmp_size = str(limits.tmp_mb * 2**20)
    argv = [
        exe,
        "--die-with-parent",
        "--new-session",
        "--unshare-pid",
        "--unshare-net",
        "--unshare-ipc",
        "--unshare-uts",
        "--unshare-cgroup-try",
        *_SYSTEM_READ_ONLY,
    ]
    if privileged:
        argv += ["--cap-drop", "ALL"]
        if switch_uid:  # just what the zygote needs to hand HOME over and switch uid (which drops them)
            argv += ["--cap-add", "CAP_SETUID", "--cap-add", "CAP_SETGID", "--cap-add", "CAP_CHOWN"]
    else:
        argv += ["--unshare-user"]
    scratch = [Path(w) for w in ("/tmp", "/var/tmp", "/dev/shm") if Path(w).is_dir() and not Path(w).is_symlink()]
    for writable in scratch:
        argv += ["--size", tmp_size, "--tmpfs", str(writable)]
    secrets = sorted({p.resolve() for p in hide if p.exists() and p.resolve() != Path("/")}, key=lambda p: len(p.parts))
    mounted = list(scratch)  # the empty tmpfs mounts: below them, only what is bound back exists
    for secret in secrets:
        if any(_inside(secret, w) for w in scratch):
            continue  # already under an empty tmpfs
        argv += _cover(secret, tmp_size)
        if secret.is_dir():
            mounted.append(secret)
    hidden = [*scratch, *secrets]
    made: set[Path] = set()
    bound: list[Path] = []
    for path in _python_paths():
        cover = [h for h in hidden if _inside(path, h) and h != path]
        if not cover:
            continue  # visible anyway
        # The folders between the innermost tmpfs and the path do not exist there: make them
        # readable (a course cloned under /tmp is a secret inside the /tmp mount, not a mount itself).
        top = max((m for m in mounted if _inside(path, m) and m != path), key=lambda m: len(m.parts))
        for parent in reversed(path.parents):
            if top in parent.parents and parent not in made:
                argv += ["--perms", "0755", "--dir", str(parent)]  # bwrap would make them 0700
                made.add(parent)
        argv += ["--ro-bind", str(path), str(path)]
        bound.append(path)
    # A secret inside what was bound back (a dataset folder in a virtualenv under the hidden course)
    # is hidden again on top of it: later mounts cover earlier ones.
    for secret in secrets:
        if any(_inside(secret, b) and secret != b for b in bound):
            argv += _cover(secret, tmp_size)
    argv += [
        "--perms",
        "0755",
        "--dir",
        str(Path(SUBMISSION_MOUNT).parent),
        "--ro-bind",
        str(staged),
        SUBMISSION_MOUNT,
        "--chdir",
        "/tmp",
    ]
    return argv


def plan(
    staged: Path,
    course_root: Path,
    hide: list[Path],
    worker_args: list[str],
    limits: Limits = Limits(),
    uid: int | None = None,
    datasets: list[Path] = (),
) -> Launch:
    """The command line that starts ``python -I -m gradekit.sandbox.worker <worker_args>`` sandboxed,
    as ``uid`` when given (root only; see worker_uid), with ``datasets`` hidden too: under an empty
    mount by bubblewrap, or without it closed to ``uid`` alone by an ACL (withhold.close_datasets)."""
    which = mode()
    if os.geteuid() != 0:
        uid = None
    python = [sys.executable, "-I", "-m", "gradekit.sandbox.worker"]
    home_dirs = [Path(os.path.expanduser("~"))] if os.path.expanduser("~") not in ("", "/") else []
    protections = {
        "worker": "python -I in a child process, clean environment (no tokens), private HOME and TMPDIR, new session",
        "rlimits": f"CPU time, address space (+{limits.memory_mb} MiB), file size {limits.file_mb} MiB, "
        f"open files {limits.open_files}, processes {limits.processes}, core dumps off",
        "data": "plain data only across the boundary (JSON, .npy with allow_pickle=False); no pickles",
        "staging": "only the expected module files are copied from the submission",
    }
    leave_network = False  # bubblewrap cuts the network itself
    if which == "bwrap":
        private = _private_ancestors() if uid is not None else []
        argv = _bwrap_argv(
            bwrap_path(),
            staged,
            [course_root, *home_dirs, Path("/run"), *private, *hide, *datasets],
            limits,
            privileged=os.geteuid() == 0,
            switch_uid=uid is not None,
        )
        submission = SUBMISSION_MOUNT
        protections["sandbox"] = (
            "bubblewrap: read-only filesystem, course repository, HOME and grading "
            "folders hidden, no network, own PID/IPC/UTS namespaces, capabilities dropped"
        )
        kill_all = True
        if datasets:
            protections["datasets"] = f"the course's datasets hidden from this task's sandbox ({len(datasets)} folders)"
    else:
        if datasets:
            protections["datasets"] = close_datasets(datasets, uid)
        argv = []
        submission = str(staged)
        if uid is not None and _private_ancestors():
            uid = None  # without a mount namespace, a uid of its own could not even read the interpreter
        if uid is not None:
            keep = [*_python_paths(), staged, *(Path(os.environ[k]) for k in ("GRADEKIT_DATA",) if k in os.environ)]
            closed = withhold(course_root, hide, keep)
            protections["files"] = (
                "the course repository (solutions and hidden tests included) and the grading folders "
                f"readable by the grader only ({len(closed)} entries made private to their owner just now)"
            )
        leave_network = uid is not None and can_leave_network()
        network = "the network cut (a namespace of its own)" if leave_network else "the network is not cut"
        protections["sandbox"] = (
            f"none: bubblewrap unavailable; the filesystem is not hidden (file modes protect the course: see files), {network}"
            if uid is not None
            else f"none: bubblewrap unavailable; the filesystem (hidden tests included) is readable by the submission, {network}"
        )
        kill_all = uid is not None
    if uid is not None:
        protections["uid"] = f"runs as uid {uid}, unique to this grading"
    else:
        protections["uid"] = "runs as the grading user (no separate uid)"
    # RLIMIT_NPROC counts every process of the uid: a uid of our own starts near 0, our own uid does not.
    nproc = limits.processes if uid is not None else len(processes_of(os.getuid())) + limits.processes
    args = [*worker_args, "--submission", submission, "--nproc", str(nproc), "--memory-mb", str(limits.memory_mb)]
    if uid is not None:
        args += ["--uid", str(uid)]
    if kill_all:
        args += ["--kill-all"]
    if which != "bwrap" and leave_network:
        args += ["--unshare-net"]
    scratch = None
    home, tmp = "/tmp/home", "/tmp"  # inside bwrap, /tmp is the sandbox's own tmpfs
    if which != "bwrap":
        scratch = tempfile.mkdtemp(prefix="gradekit-worker-")
        if uid is not None:
            os.chmod(scratch, 0o711)  # mkdtemp's 0700 would keep a worker of its own uid out of its HOME
        home, tmp = os.path.join(scratch, "home"), os.path.join(scratch, "tmp")
        for folder in (home, tmp):
            os.mkdir(folder, 0o700)
            if uid is not None:
                os.chown(folder, uid, uid)
    return Launch(
        argv=[*argv, *python, *args],
        env=clean_env(home, tmp),
        submission=submission,
        uid=uid,
        kill_all=kill_all,
        protections=protections,
        scratch=scratch,
    )


def preexec(limits: Limits):
    """Limits set before exec (inherited by bwrap and the worker); the rest are set by the worker."""

    def apply() -> None:
        os.setsid()
        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
        file_bytes = limits.file_mb * 2**20
        resource.setrlimit(resource.RLIMIT_FSIZE, (file_bytes, file_bytes))
        resource.setrlimit(resource.RLIMIT_NOFILE, (limits.open_files, limits.open_files))
        signal.signal(signal.SIGPIPE, signal.SIG_DFL)

    return apply
