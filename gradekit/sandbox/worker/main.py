"""The processes that run a submission's code in grade mode: ``python -I -m gradekit.sandbox.worker``.

``zygote``: started once per graded submission inside the sandbox (gradekit.sandbox.parent.launch). It switches
to the grading's own uid, imports numpy/torch and resolves the do-it-yourself guards (no student
code yet), then forks one task worker per task on request, so a task starts in milliseconds
instead of seconds. Before each fork, and when asked, it kills everything left in the sandbox
(``kill(-1, SIGKILL)``: its PID namespace or its uid), so nothing of one task outlives it.

A task worker: a new session, rlimits on CPU time and memory, the audit hook of gradekit.sandbox.worker.tamper,
then gradekit.sandbox.worker.server's request loop on the socket the parent passed in.

``echo``: a trusted worker (never any student code) that speed tests use so that the reference
pays the same message round trip as the submission.
"""

from __future__ import annotations

import argparse
import ctypes
import json
import os
import resource
import select
import signal
import socket
import sys
from pathlib import Path

PR_SET_DUMPABLE = 4
PR_SET_CHILD_SUBREAPER = 36


def _prctl(option: int, value: int) -> None:
    try:
        ctypes.CDLL(None, use_errno=True).prctl(option, value, 0, 0, 0)
    except (OSError, AttributeError):
        pass


def _vm_size() -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmSize:"):
            return int(line.split()[1]) * 1024
    return 0


CLONE_NEWNET = 0x40000000


def _leave_network() -> None:
    """A network namespace of its own (no interface but a loopback that is down), taken while
    still root: without bubblewrap this is what cuts the submission off the network."""
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.unshare(CLONE_NEWNET) != 0:
        raise SystemExit(f"could not leave the network: unshare failed ({os.strerror(ctypes.get_errno())})")


def _become(uid: int | None, unshare_net: bool) -> None:
    """Switch to the grading's uid (root only): from here on nothing of root's is reachable."""
    home = Path(os.environ.get("HOME", "/tmp/home"))
    home.mkdir(parents=True, exist_ok=True)
    if unshare_net:
        _leave_network()
    if uid is None or os.geteuid() != 0:
        return
    os.chown(home, uid, uid)
    for scratch in ("/tmp", "/var/tmp", "/dev/shm"):
        if Path(scratch).is_dir() and os.stat(scratch).st_uid == 0:
            try:
                os.chmod(scratch, 0o1777)
            except OSError:
                pass
    os.setgroups([])
    os.setgid(uid)
    os.setuid(uid)
    if os.getuid() != uid or os.geteuid() != uid:
        raise SystemExit("could not switch uid")


def _preload(modules: list[str], forbid: list[list[str]]) -> None:
    import importlib

    for name in modules:
        try:
            importlib.import_module(name)
        except Exception:  # noqa: BLE001 - a missing optional package is imported (and fails) later
            pass
    if forbid:
        from gradekit.harness import guard

        resolved = [guard.ForbiddenSet.resolve(tuple(specs)) for specs in forbid]
        if any(f.watches_operators for f in resolved):
            guard.warm_operator_watch()  # once here, not once per forked task worker
        if any(f.aten_allowed is not None for f in resolved):
            # Its task compiles the student's C++; the tamper check trusts the builder's code as
            # imported here, before any student code (gradekit.sandbox.worker.tamper).
            importlib.import_module("torch.utils.cpp_extension")


class Zygote:
    def __init__(self, ctrl: socket.socket, opts: argparse.Namespace):
        self.ctrl = ctrl
        self.opts = opts
        self.child: int | None = None

    def send(self, **msg) -> None:
        self.ctrl.send(json.dumps(msg).encode())

    def kill_leftovers(self) -> None:
        """Kill everything in the sandbox but this process (all of it is the student's)."""
        if self.opts.kill_all:
            try:
                os.kill(-1, signal.SIGKILL)
            except ProcessLookupError:
                pass
        elif self.child is not None:
            try:
                os.killpg(self.child, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                pass
        self.reap(block_for=self.child)

    def reap(self, block_for: int | None = None) -> None:
        while True:
            try:
                pid, status = os.waitpid(-1, 0 if block_for is not None else os.WNOHANG)
            except ChildProcessError:
                return
            if pid == 0:
                return
            if pid == self.child:
                self.send(exited=pid, status=_describe_status(status))
                self.child = None
                block_for = None

    def run(self) -> None:
        self.send(ready=True, pid=os.getpid(), uid=os.getuid())
        while True:
            ready, _, _ = select.select([self.ctrl], [], [], 0.05)
            self.reap()
            if not ready:
                continue
            try:
                data, fds, _, _ = socket.recv_fds(self.ctrl, 65536, 1)
            except OSError:
                data, fds = b"", []
            if not data:
                self.kill_leftovers()
                return
            msg = json.loads(data)
            if msg.get("op") == "spawn" and fds:
                self.kill_leftovers()
                self.spawn(msg, fds[0])
            elif msg.get("op") == "kill":
                for fd in fds:
                    os.close(fd)
                self.kill_leftovers()
                self.send(killed=True)
            else:
                for fd in fds:
                    os.close(fd)
                self.kill_leftovers()
                return

    def spawn(self, msg: dict, fd: int) -> None:
        pid = os.fork()
        if pid == 0:
            code = 0
            try:
                self.ctrl.close()
                task_main(fd, msg, self.opts)
            except BaseException:  # noqa: BLE001 - the worker's end, whatever the student did
                import traceback

                traceback.print_exc()  # to the sandbox's output, which the grading log keeps
                code = 70
            finally:
                os._exit(code)
        os.close(fd)
        self.child = pid
        self.send(spawned=pid)


def _describe_status(status: int) -> str:
    if os.WIFSIGNALED(status):
        sig = os.WTERMSIG(status)
        try:
            name = signal.Signals(sig).name
        except ValueError:
            name = f"signal {sig}"
        return f"killed by {name}"
    return f"exit status {os.WEXITSTATUS(status)}"


def task_main(fd: int, msg: dict, opts: argparse.Namespace) -> None:
    """The task worker: limits, guard hook, then the request loop. Runs in the forked child."""
    os.setsid()
    signal.signal(signal.SIGINT, signal.SIG_DFL)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    cpu = int(msg.get("cpu_seconds") or 600)
    resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu + 5))
    memory = _vm_size() + opts.memory_mb * 2**20
    resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    torch = sys.modules.get("torch")
    if torch is not None and msg.get("threads"):
        torch.set_num_threads(int(msg["threads"]))
    _seed(torch)
    if msg.get("datasets_hidden"):  # the sandbox hid the files; this lets gradekit.data say why
        from gradekit.data import files

        os.environ[files.WITHHELD_ENV] = str(msg.get("task"))
    from gradekit.harness import importer
    from gradekit.sandbox.worker import server, tamper

    submission = Path(opts.submission)
    importer.set_under_test(submission)
    # Every file of the submission counts as the student's code for the guard (helpers imported
    # with `from . import helper` included).
    importer.STATE.files.update(str(p) for p in submission.resolve().rglob("*.py"))
    tamper.install()
    sock = socket.socket(fileno=fd)
    server.Server(sock, str(msg.get("task")), tuple(msg.get("forbid") or ()), submission).serve()


def _seed(torch) -> None:
    """Fixed seeds, so that grading the same submission twice gives the same result."""
    import random

    random.seed(0)
    np = sys.modules.get("numpy")
    if np is not None:
        np.random.seed(0)
    if torch is not None:
        torch.manual_seed(0)


def zygote_main(opts: argparse.Namespace) -> None:
    ctrl = socket.socket(fileno=opts.ctrl)
    _become(opts.uid, opts.unshare_net)
    if opts.nproc:
        resource.setrlimit(resource.RLIMIT_NPROC, (opts.nproc, opts.nproc))
    _prctl(PR_SET_DUMPABLE, 0)  # the student's processes may not ptrace or read this one
    _prctl(PR_SET_CHILD_SUBREAPER, 1)  # orphans come back here and are reaped
    _preload([m for m in opts.preload.split(",") if m], json.loads(opts.forbid))
    signal.signal(signal.SIGCHLD, signal.SIG_DFL)
    Zygote(ctrl, opts).run()


def echo_main(opts: argparse.Namespace) -> None:
    """Decode the inputs it is sent and answer with a blob of the size asked for."""
    from gradekit.sandbox import wire

    sock = socket.socket(fileno=opts.fd)
    while True:
        try:
            msg, blobs = wire.recv(sock)
        except wire.PeerClosed:
            return
        wire.decode(msg.get("args", []), blobs, on_ref=lambda node: None)
        wire.send(sock, {"ok": True, "value": None, "files": []}, [bytes(int(msg.get("reply_bytes", 0)))])


def parse(argv: list[str]) -> argparse.Namespace:
    p = argparse.ArgumentParser(prog="python -m gradekit.sandbox.worker")
    sub = p.add_subparsers(dest="mode", required=True)
    z = sub.add_parser("zygote")
    z.add_argument("--ctrl", type=int, required=True)
    z.add_argument("--submission", required=True)
    z.add_argument("--uid", type=int, default=None)
    z.add_argument("--kill-all", action="store_true")
    z.add_argument("--unshare-net", action="store_true", help="without bubblewrap: a network namespace of its own")
    z.add_argument("--preload", default="numpy")
    z.add_argument("--forbid", default="[]", help="JSON list of forbid lists to resolve before forking")
    z.add_argument("--nproc", type=int, default=0)
    z.add_argument("--memory-mb", type=int, default=4096)
    e = sub.add_parser("echo")
    e.add_argument("--fd", type=int, required=True)
    return p.parse_args(argv)


def main(argv: list[str] | None = None) -> None:
    opts = parse(sys.argv[1:] if argv is None else argv)
    if opts.mode == "zygote":
        zygote_main(opts)
    else:
        echo_main(opts)
