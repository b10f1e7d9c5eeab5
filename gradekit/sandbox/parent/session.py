"""Grade mode's state in the trusted pytest process: the sandbox, one worker per task, their ends.

A :class:`ZygoteHandle` is started on first use (``python -I -m gradekit.sandbox.worker zygote`` inside
bubblewrap, see gradekit.sandbox.parent.launch); each task gets a worker forked by that zygote when one of its
tests first touches the submission, and the worker is killed (with everything it started) when
the task's last test is done, when its time budget runs out, or when a request to it is cut short.
If the zygote itself dies (a submission can kill it), the next task starts a new sandbox.

Time is kept for the whole grading, not per test run: a task's budget is given once (a task whose
tests come back does not get a new one), and a module that did not finish importing within its
limit is remembered, so every later test that needs it, in any task, fails at once instead of
waiting for it again.
"""

from __future__ import annotations

import contextlib
import json
import math
import os
import select
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

from gradekit.harness import importer, timeouts
from gradekit.sandbox.parent import launch, processes, proxies, withhold
from gradekit.sandbox.parent.budget import Budget

MAX_RESTARTS = 3  # fresh workers a task may get after crashes before its tests just fail
START_SECONDS = 300.0  # importing torch on a loaded 2-core machine can take a minute
OUTPUT_KEEP = 64 * 1024


@dataclass
class GradeConfig:
    """What `gradekit grade` tells the pytest process that runs the tests (JSON in $GRADEKIT_GRADE)."""

    staged: str
    course_root: str
    hide: list[str] = field(default_factory=list)
    task_timeout: float | None = None
    preload: list[str] = field(default_factory=lambda: ["numpy"])
    forbid: list[list[str]] = field(default_factory=list)
    facts: str | None = None  # where the session writes what it did (protections, crashes, timings)
    uid: int | None = None  # the worker's own uid when grading runs as root (gradekit.sandbox.parent.launch.worker_uid)
    deadline: float | None = None  # time.monotonic() at which the submission's --budget runs out

    @classmethod
    def load(cls, path: str) -> "GradeConfig":
        return cls(**json.loads(Path(path).read_text()))

    def save(self, path: Path) -> None:
        Path(path).write_text(json.dumps(asdict(self), indent=1))


class ZygoteHandle:
    """One zygote worker inside the sandbox, and the control socket to it."""

    def __init__(self, config: GradeConfig, limits: launch.Limits = launch.Limits(), extra_hide: tuple[str, ...] = ()):
        self.config = config
        self.limits = limits
        self.extra_hide = extra_hide  # hidden for the tasks this sandbox serves only (their datasets)
        self.events: list[dict] = []
        self.statuses: dict[int, str] = {}
        self.output = bytearray()
        self.output_bytes = 0
        self.dead = False
        parent_end, child_end = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        self.ctrl = parent_end
        args = [
            "zygote",
            "--ctrl",
            str(child_end.fileno()),
            "--preload",
            ",".join(config.preload),
            "--forbid",
            json.dumps(config.forbid),
        ]
        self.launch = launch.plan(
            Path(config.staged),
            Path(config.course_root),
            [Path(p) for p in config.hide],
            args,
            limits,
            uid=self._uid(extra_hide),
            datasets=[Path(p) for p in extra_hide],
        )
        started = time.monotonic()
        self.proc = subprocess.Popen(
            self.launch.argv,
            env=self.launch.env,
            pass_fds=[child_end.fileno()],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            preexec_fn=launch.preexec(limits),
            cwd="/",
        )
        child_end.close()
        threading.Thread(target=self._drain, daemon=True).start()
        ready = self.wait_for("ready", START_SECONDS)
        if ready is None:
            self.close()
            tail = bytes(self.output[-2000:]).decode(errors="replace")
            raise launch.SandboxError(f"the grading worker did not start: {tail}")
        self.start_seconds = time.monotonic() - started

    def _uid(self, extra_hide: tuple[str, ...]) -> int | None:
        """The grading's worker uid, or for a sandbox that hides the datasets its sealed uid; without
        a mount namespace, what the other uid left in the shared scratch folders is deleted first."""
        uid = self.config.uid if self.config.uid is not None else launch.worker_uid()
        if not extra_hide or uid is None:
            return uid
        if launch.mode() != "bwrap":
            withhold.remove_files_of(uid)
        return launch.sealed_uid(uid)

    def _drain(self) -> None:
        """Read the sandbox's stdout/stderr: keep the first 64 KiB, count and drop the rest."""
        while True:
            chunk = (
                self.proc.stdout.read1(65536) if hasattr(self.proc.stdout, "read1") else self.proc.stdout.read(65536)
            )
            if not chunk:
                return
            self.output_bytes += len(chunk)
            room = OUTPUT_KEEP - len(self.output)
            if room > 0:
                self.output += chunk[:room]

    # -- control messages ------------------------------------------------------------------------
    def _read_ctrl(self, timeout: float) -> dict | None:
        ready, _, _ = select.select([self.ctrl], [], [], max(timeout, 0))
        if not ready:
            return None
        try:
            data = self.ctrl.recv(65536)
        except OSError:
            data = b""
        if not data:
            self.dead = True
            return None
        msg = json.loads(data)
        if "exited" in msg:
            self.statuses[int(msg["exited"])] = str(msg.get("status", ""))[:100]
        return msg

    def wait_for(self, key: str, timeout: float) -> dict | None:
        end = time.monotonic() + timeout
        while not self.dead:
            msg = self._read_ctrl(end - time.monotonic())
            if msg is None and (self.dead or time.monotonic() >= end):
                return None
            if msg is not None and key in msg:
                return msg
        return None

    def poll_events(self) -> None:
        while not self.dead and self._read_ctrl(0) is not None:
            pass

    def wait_exit(self, pid: int, timeout: float) -> None:
        end = time.monotonic() + timeout
        while pid not in self.statuses and not self.dead and time.monotonic() < end:
            self._read_ctrl(end - time.monotonic())

    def exited(self, pid: int) -> bool:
        return pid in self.statuses or self.dead

    def exit_status(self, pid: int) -> str | None:
        if pid in self.statuses:
            return self.statuses[pid]
        return "the sandbox's zygote was killed" if self.dead else None

    # -- task workers ----------------------------------------------------------------------------
    def spawn(self, task, budget: Budget) -> "proxies.TaskWorkerHandle":
        if self.dead:
            raise proxies.WorkerCrashed("the sandbox was killed by an earlier task")
        mine, theirs = socket.socketpair()
        torch = sys.modules.get("torch")
        msg = {
            "op": "spawn",
            "task": task.id,
            "forbid": list(task.forbid),
            "cpu_seconds": int(math.ceil(budget.seconds * _cpus())) + 10,
            "threads": torch.get_num_threads() if torch is not None else None,
            "datasets_hidden": bool(self.extra_hide),
        }
        try:
            socket.send_fds(self.ctrl, [json.dumps(msg).encode()], [theirs.fileno()])
        except OSError:
            self.dead = True
        theirs.close()
        reply = self.wait_for("spawned", 60)
        if reply is None:
            mine.close()
            raise proxies.WorkerCrashed("the sandbox did not start a worker for this task")
        return proxies.TaskWorkerHandle(self, task, mine, int(reply["spawned"]), budget)

    def kill_task(self, worker) -> None:
        """Kill the task's worker and everything else in the sandbox but the zygote."""
        if self.dead:
            return
        try:
            self.ctrl.send(json.dumps({"op": "kill"}).encode())
        except OSError:
            self.dead = True
            return
        if self.wait_for("killed", 30) is None:
            self.dead = True

    def close(self) -> None:
        """End the sandbox: the zygote, its PID namespace and, by uid, anything that escaped."""
        try:
            self.ctrl.send(json.dumps({"op": "exit"}).encode())
        except OSError:
            pass
        try:
            os.killpg(self.proc.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
        try:
            self.proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            pass
        self.ctrl.close()
        self.swept = processes.sweep_uid(self.launch.uid)
        if self.launch.scratch:
            shutil.rmtree(self.launch.scratch, ignore_errors=True)
        self.dead = True


def _cpus() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)


def hidden_for(task) -> tuple[str, ...]:
    """What the sandbox of ``task`` hides besides the course: the datasets, when its tasks.toml says
    hide_datasets = true (it is scored on held-out data its code must not be able to look up)."""
    if not getattr(task, "hide_datasets", False):
        return ()
    from gradekit.data import files

    return tuple(str(p) for p in files.dataset_paths())


@contextlib.contextmanager
def own_clock():
    """Pause the running test's alarm (the harness's per-test limit, SIGALRM) while an import waits
    on a limit of its own, then give the test back what it had left.

    An import is judged against its whole limit from the moment it is asked for; the test's alarm,
    started earlier, would otherwise cut it short, and a module could be taken for hung because the
    test did trusted work first. After a failed import the alarm is re-armed only if time is left,
    so that it cannot replace the import's own error.
    """
    if not hasattr(signal, "setitimer") or threading.current_thread() is not threading.main_thread():
        yield
        return
    left, _ = signal.setitimer(signal.ITIMER_REAL, 0)
    started, ok = time.monotonic(), False
    try:
        yield
        ok = True
    finally:
        rest = left - (time.monotonic() - started)
        if left > 0 and (ok or rest > 0.1):
            signal.setitimer(signal.ITIMER_REAL, max(rest, 0.001))


class Session:
    """The grade-mode state of one pytest run: which task is running, its worker, and the time
    every task and module has used so far."""

    def __init__(self, config: GradeConfig):
        self.config = config
        self.zygote: ZygoteHandle | None = None
        self.task = None
        self.budget = Budget(0.0)
        self.budgets: dict[str, Budget] = {}  # task id -> its one allowance for the grading
        self.restarts: dict[str, int] = {}
        self.import_limit: float | None = None
        self.hung: dict[str, str] = {}  # module name -> why every test that needs it fails
        self.hung_calls: dict[str, str] = {}  # 'q1.conv.conv2d' -> the task it first ran out of time in
        self.current: proxies.TaskWorkerHandle | None = None
        self.facts: dict = {
            "tasks": {},
            "sandbox_starts": [],
            "protections": {},
            "output_bytes": 0,
            "hung_imports": {},
            "hung_calls": self.hung_calls,
            "time_shares": {},
        }
        self.violations: list[str] = []  # forbidden calls reported during the running test
        self.echo = None

    def submission(self, name: str) -> proxies.SandboxedModule:
        return proxies.SandboxedModule(self, name)

    def begin(self, task, seconds: float, import_limit: float | None = None, cutoff: float | None = None) -> None:
        """A test of ``task`` starts; a new task ends the previous task's worker.

        ``seconds`` is the task's budget, given the first time only: a task's allowance is one for
        the whole grading. ``import_limit`` is how long a module its tests need may take to import;
        ``cutoff`` the time.monotonic() at which the submission's budget runs out for its question.
        """
        if self.task is not None and self.task.id == task.id:
            return
        self.end()
        self.task = task
        if task.id not in self.budgets:
            self.budgets[task.id] = Budget(seconds)
            self.facts["tasks"][task.id] = {"workers": 0, "spawn_ms": [], "crashes": []}
        self.budget = self.budgets[task.id]
        self.budget.cutoff = cutoff
        self.import_limit = import_limit

    def module(self, name: str) -> proxies.RemoteRef:
        """The submission module ``name`` in the running task's worker.

        A module that hung at import earlier in the grading fails here at once, without a worker;
        one that hangs now is remembered so (its worker was killed: that is no crash of the task).
        """
        if name in self.hung:
            raise importer.SubmissionImportError(self.hung[name])
        worker = self.worker()
        if name in worker.modules:
            return worker.modules[name]
        try:
            with own_clock():
                return worker.module(name, self.import_limit)
        except proxies.ImportHang as exc:
            self.hung[name] = str(exc)
            self.facts["hung_imports"][name] = self.import_limit
            worker.close()
            self.current = None
            raise

    def worker(self) -> proxies.TaskWorkerHandle:
        if self.task is None:
            raise RuntimeError(
                "the submission was used outside a task's test; in grade mode student code "
                "runs only while a test marked with @pytest.mark.task runs"
            )
        if self.budget.cut_off:
            raise proxies.BudgetRanOut()
        if self.current is not None and self.current.alive:
            return self.current
        self._count_crash()
        if self.budget.exhausted:
            raise timeouts.TaskTimeout(
                f"{self.task.id} timed out: the task's time limit of {self.budget.seconds:g} s ran out"
            )
        hide = hidden_for(self.task)
        if self.zygote is None or self.zygote.dead or self.zygote.extra_hide != hide:
            # Restarted after a crash, or a sandbox of its own for a task that may not read the
            # course's datasets (nothing an earlier task left in /tmp or HOME reaches it either);
            # its start-up is not spent from the task's budget.
            self.start(hide)
        started = time.monotonic()
        self.current = self.zygote.spawn(self.task, self.budget)
        self.current.violations = self.violations
        self.current.hung_calls = self.hung_calls
        facts = self.facts["tasks"][self.task.id]
        facts["workers"] += 1
        facts["spawn_ms"].append(round((time.monotonic() - started) * 1000, 2))
        return self.current

    def _count_crash(self) -> None:
        """The task's worker died: note how, and stop giving it new ones after MAX_RESTARTS."""
        if self.current is None:
            return
        facts = self.facts["tasks"][self.task.id]
        facts["crashes"].append(self.zygote.exit_status(self.current.pid) if self.zygote else "")
        restarts = self.restarts[self.task.id] = self.restarts.get(self.task.id, 0) + 1
        if restarts > MAX_RESTARTS:
            raise proxies.WorkerCrashed(
                f"the worker of {self.task.id} crashed {restarts} times; its remaining tests are not run"
            )

    def start(self, extra_hide: tuple[str, ...] = ()) -> float:
        """Start (or restart) the sandbox, with ``extra_hide`` hidden too; returns the seconds it took."""
        if self.zygote is not None:
            self._close_sandbox()
        self.zygote = ZygoteHandle(self.config, extra_hide=extra_hide)
        if extra_hide:
            self.facts.setdefault("datasets_hidden", {})[self.task.id] = self.zygote.launch.protections["datasets"]
        protections = self.zygote.launch.protections
        self.facts["protections"] = {k: v for k, v in protections.items() if k != "datasets"}  # per task, below
        self.facts["sandbox_starts"].append(round(self.zygote.start_seconds, 3))
        return self.zygote.start_seconds

    def end(self) -> None:
        """The running task is done: its worker and all it started are killed now."""
        if self.current is not None:
            self.current.close()
        self.current = None
        self.task = None

    def dispatch_probe(self, fn, args, kwargs):
        """gradekit.probes' dispatch: a probe over objects of the submission runs in their worker."""
        refs = list(proxies.find_refs(args)) + list(proxies.find_refs(kwargs))
        if not refs:
            return fn(*args, **kwargs)
        name = f"{fn.__module__}.{fn.__qualname__}"
        return proxies.worker_of(refs[0]).request("probe", name, list(args), kwargs)

    def _close_sandbox(self) -> None:
        box = self.zygote
        box.close()
        self.facts["output_bytes"] += box.output_bytes
        self.facts.setdefault("output_head", bytes(box.output[:4000]).decode(errors="replace"))
        self.facts["leftovers_killed"] = bool(getattr(box, "swept", True))

    def shutdown(self) -> None:
        """Every worker and the sandbox gone (called before any report is written)."""
        self.end()
        if self.zygote is not None:
            self._close_sandbox()
        if self.echo is not None:
            self.echo.close()
            self.echo = None
        if self.config.facts:
            Path(self.config.facts).write_text(json.dumps(self.facts, indent=1))
