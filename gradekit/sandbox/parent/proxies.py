"""The parent's side of grade mode: proxies for the student's objects that live in a sandboxed worker.

``gradekit.submission("q1.conv")`` returns a :class:`SandboxedModule`; its attributes are
fetched from the worker of the running task. Plain results come back as data; anything else
stays in the worker and is represented here by a :class:`RemoteRef`, which can be called,
indexed, iterated, measured with len(), have attributes read and set, and be passed back to the
submission or to a probe. A RemoteRef never answers ``==`` or ``bool()`` on the remote object's
behalf: equality and truth in a test are decided on plain data, in this process.
"""

from __future__ import annotations

import builtins
import sys
import time
from pathlib import Path, PurePath

from gradekit.harness import guard, importer, timeouts
from gradekit.sandbox import paths, wire
from gradekit.sandbox.parent.budget import Budget

# Exceptions a worker may raise here by name: ordinary builtin errors, so `pytest.raises(ValueError)`
# works in grade mode too. Anything else (SystemExit, pytest's Skipped/Exit, custom classes)
# becomes a RemoteError that only fails the test.
_SAFE = {
    name: cls
    for name, cls in vars(builtins).items()
    if isinstance(cls, type) and issubclass(cls, Exception) and not issubclass(cls, (Warning,))
}
_REMOTE_TYPES: dict[str, type] = {}
_PRINTED_LIMIT = 2**20


class RemoteError(Exception):
    """An exception of the student's code that is not a builtin error (named after the original)."""


class WorkerCrashed(Exception):
    """The worker process died (segfault, os._exit, killed by a limit) during a request."""


class StaleRef(Exception):
    """An object from a worker that has already ended (another task, or a crashed worker)."""


NOT_GRADED = "not graded: the submission's time budget ran out"


class BudgetRanOut(timeouts.TaskTimeout):
    """The submission's time budget (``--budget``) ran out for this test's question: the test was not
    graded. A TaskTimeout, so it is reported like one, with a kind of its own for the ledger."""

    kind = "not-graded"

    def __init__(self, message: str = NOT_GRADED):
        super().__init__(message)


class ImportHang(importer.SubmissionImportError):
    """A submission module did not finish importing within its limit (the grading remembers it)."""


# What a function that once ran out of its time gets per later call: far more than any correct
# function needs on a correctness test's small inputs, far less than another whole time limit.
HUNG_RETRY_SECONDS = 10.0


class LimitReached(Exception):
    """A request ran past the limit given for that request alone (not the task's budget)."""


def hang_message(name: str, limit: float) -> str:
    """What every test that needs a module that hung at import reads."""
    question, module = importer.split_name(name)
    return (
        f"{question}/{module}.py did not finish importing within {limit:g} s "
        "(an infinite loop or a blocking call at module level?)"
    )


def remote_exception(error: dict) -> BaseException:
    """The parent-side exception for an error the worker reported."""
    kind = error.get("kind")
    message = str(error.get("message", ""))[:4000]
    if kind == "missing":
        cls = importer.MissingNameError if error.get("type") == "MissingNameError" else importer.MissingModuleError
        return cls(message)
    if kind == "import-error":
        return importer.SubmissionImportError(message)
    if kind == "forbidden":
        return guard.ForbiddenCallError(message)
    name = str(error.get("type", "Exception"))
    where = str(error.get("where", ""))[:300]
    if name == "NotImplementedError":
        return NotImplementedError(message)  # unchanged, so a stub's message is recognised
    if name in _SAFE:
        return _SAFE[name](message + where)
    safe = "".join(c for c in name if c.isalnum() or c == "_")[:60] or "RemoteError"
    if not safe.isidentifier():
        safe = "RemoteError"
    cls = _REMOTE_TYPES.setdefault(safe, type(safe, (RemoteError,), {}))
    return cls(message + where)


class RemoteRef:
    """An object that lives in a worker; every use is a request to that worker."""

    __slots__ = ("_worker", "_id", "_type", "_callable", "_label")

    def __init__(self, worker, node: dict):
        object.__setattr__(self, "_label", None)  # 'q1.conv.conv2d' for a module's attribute
        object.__setattr__(self, "_worker", worker)
        object.__setattr__(self, "_id", node.get("id"))
        object.__setattr__(self, "_type", str(node.get("type", "object"))[:200])
        object.__setattr__(self, "_callable", bool(node.get("callable")))

    def __repr__(self) -> str:
        return f"<{self._type} in the submission's worker>"

    def __getattr__(self, name: str):
        if name.startswith("__") and name.endswith("__"):
            raise AttributeError(name)
        return self._worker.request("getattr", self, name)

    def __setattr__(self, name: str, value) -> None:
        self._worker.request("setattr", self, name, value)

    def __call__(self, *args, **kwargs):
        __tracebackhide__ = True
        return self._worker.call(self, list(args), kwargs)

    def __getitem__(self, key):
        return self._worker.request("getitem", self, key)

    def __len__(self) -> int:
        n = self._worker.request("len", self)
        if type(n) is not int or n < 0:
            raise TypeError(f"len() of {self!r} is not a non-negative int")
        return n

    def __contains__(self, item) -> bool:
        found = self._worker.request("contains", self, item)
        if type(found) is not bool:
            raise TypeError(f"`in` on {self!r} did not give a bool")
        return found

    def __iter__(self):
        it = self._worker.request("iter", self)
        while True:
            try:
                yield self._worker.request("next", it)
            except StopIteration:
                return

    def __bool__(self) -> bool:
        raise TypeError(
            f"{self!r} is not plain data: its truth value is not trusted in grade mode "
            "(compare a number, string or array instead)"
        )

    def __eq__(self, other) -> bool:
        return self is other

    def __hash__(self) -> int:
        return id(self)


class SandboxedModule:
    """``gradekit.submission(name)`` in grade mode: the module as seen through the task's worker."""

    def __init__(self, session, name: str):
        importer.split_name(name)
        self._session = session
        self._name = name

    def __repr__(self) -> str:
        return f"<submission {self._name} (sandboxed)>"

    @property
    def module(self):
        return self._session.module(self._name)

    def has(self, attr: str) -> bool:
        try:
            getattr(self, attr)
        except AttributeError:
            return False
        return True

    def __getattr__(self, attr: str):
        if attr.startswith("__"):
            raise AttributeError(attr)
        __tracebackhide__ = True
        module = self._session.module(self._name)
        value = worker_of(module).request("getattr", module, attr)
        if isinstance(value, RemoteRef):
            object.__setattr__(value, "_label", f"{self._name}.{attr}")
        return value


class _PathSlots:
    """Path arguments of one request: their files go to the worker, what it writes comes back."""

    def __init__(self):
        self.paths: list[Path] = []

    def encode(self, value: PurePath, enc: wire.Encoder) -> dict:
        path = Path(value)
        node = {"~": "path", "name": path.name, "kind": "none", "files": []}
        if path.is_file():
            node.update(kind="file", b=enc.blob(path.read_bytes()))
        elif path.is_dir():
            node["kind"] = "dir"
            for f in paths.files_under(path):
                node["files"].append([str(f.relative_to(path)), enc.blob(f.read_bytes())])
        self.paths.append(path)
        return node

    def decode_out(self, node: dict, decoder: wire.Decoder):
        slot = node.get("slot")
        if type(slot) is int and 0 <= slot < len(self.paths):
            rel = str(node.get("rel", ""))
            return self.paths[slot] / paths.safe_rel(rel) if rel else self.paths[slot]
        return PurePath(str(node.get("v", "")))

    def write_back(self, files: list, blobs: list[bytes]) -> None:
        total = 0
        for entry in files[: paths.MAX_FILES]:
            slot, rel, index = entry
            if type(slot) is not int or not 0 <= slot < len(self.paths) or type(index) is not int:
                raise wire.WireError("bad file entry")
            if not 0 <= index < len(blobs):
                raise wire.WireError("bad file blob index")
            data = blobs[index]
            total += len(data)
            if total > paths.MAX_FILE_BYTES:
                raise wire.WireError("the files the submission wrote are too large")
            target = self.paths[slot] / paths.safe_rel(rel) if rel else self.paths[slot]
            target.parent.mkdir(parents=True, exist_ok=True)
            if target.is_symlink():
                target.unlink()
            target.write_bytes(data)


class TaskWorkerHandle:
    """The parent's end of one task worker: requests, replies, violations and the time budget."""

    def __init__(self, zygote, task, sock, pid: int, budget: Budget):
        self.zygote = zygote
        self.task = task
        self.sock = sock
        self.pid = pid
        self.budget = budget
        self.hung_calls: dict[str, str] = {}  # label -> the task it first ran out of time in (the session's)
        self.alive = True
        self.modules: dict[str, RemoteRef] = {}
        self.violations: list[str] = []

    def module(self, name: str, limit: float | None = None) -> RemoteRef:
        """The submission module ``name`` in this worker, imported on first use within ``limit`` s."""
        if name not in self.modules:
            try:
                self.modules[name] = self.request("import", name, limit=limit)
            except LimitReached:
                raise ImportHang(hang_message(name, limit)) from None
        return self.modules[name]

    def _encode(self, args: list, slots: _PathSlots):
        def on_object(v):
            if isinstance(v, RemoteRef):
                if v._worker is not self:
                    raise StaleRef(
                        f"{v!r} comes from a worker that has ended (another task, or a crash); "
                        "build it again in this test"
                    )
                return {"~": "ref", "id": v._id}
            raise TypeError(
                f"only plain data can be passed to the submission in grade mode, not "
                f"{type(v).__module__}.{type(v).__qualname__}"
            )

        enc = wire.Encoder(on_object, None)
        enc.on_path = lambda p: slots.encode(p, enc)
        return enc.encode(args), enc.blobs

    def receive(self, limit: float | None = None) -> tuple[dict, list[bytes]]:
        """The reply to the last request; violation notes on the way are kept."""
        started = time.monotonic()
        try:
            return self._receive(limit)
        finally:
            self.budget.spend(time.monotonic() - started)

    def _late(self, why: str) -> Exception:
        """The exception for a reply that did not come by the deadline of kind ``why``."""
        if why == "cutoff":
            return BudgetRanOut()
        if why == "limit":
            return LimitReached()
        return timeouts.TaskTimeout(
            f"{self.task.id} timed out: the task's time limit of {self.budget.seconds:g} s ran out"
        )

    def _receive(self, limit: float | None) -> tuple[dict, list[bytes]]:
        deadline, why = self.budget.deadline(limit)
        while True:
            try:
                msg, blobs = wire.recv(self.sock, deadline, also=[self.zygote.ctrl])
            except wire.Woken:
                self.zygote.poll_events()
                if self.zygote.exited(self.pid):
                    raise self.crashed() from None
                continue
            except wire.Deadline:
                raise self._late(why) from None
            except wire.PeerClosed:
                raise self.crashed() from None
            if msg.get("note") == "violation":
                self.violations.append(str(msg.get("message", ""))[:500])
                continue
            return msg, blobs

    def crashed(self) -> WorkerCrashed:
        self.alive = False
        self.zygote.wait_exit(self.pid, 2.0)  # the zygote reports how it ended right after
        how = self.zygote.exit_status(self.pid) or "it exited"
        return WorkerCrashed(f"the submission's worker process died ({how}) while running {self.task.id}")

    def exchange(self, frame: bytes, clock=None, limit: float | None = None) -> tuple[dict, list[bytes], int]:
        """Send one packed request and wait for its reply (at most ``limit`` s when given); with
        ``clock``, also the time between the two.

        A request cut short (timeout, crash, Ctrl-C) leaves the stream out of step, so the worker
        is killed then: it cannot be used again.
        """
        if not self.alive:
            raise StaleRef(f"the worker of {self.task.id} has ended")
        done = False
        try:
            start = clock() if clock else 0
            self.sock.sendall(frame)
            msg, blobs = self.receive(limit)
            elapsed = clock() - start if clock else 0
            done = True
        finally:
            if not done:
                self.kill()
        return msg, blobs, elapsed

    def pack(self, op: str, args: list, extra: dict | None = None) -> tuple[bytes, "_PathSlots"]:
        slots = _PathSlots()
        tree, blobs = self._encode(args, slots)
        return wire.pack({"op": op, "args": tree, **(extra or {})}, blobs), slots

    def result(self, msg: dict, blobs: list[bytes], slots: "_PathSlots"):
        """The decoded value of a reply, or the exception the worker reported."""
        __tracebackhide__ = True
        # What the student's code printed, printed here, where pytest's capsys/capfd can read it.
        for stream, key in ((sys.stdout, "stdout"), (sys.stderr, "stderr")):
            text = msg.get(key)
            if isinstance(text, str) and text:
                stream.write(text[:_PRINTED_LIMIT])
        if self.violations:
            raise guard.ForbiddenCallError(self.violations[0])
        if not msg.get("ok"):
            raise remote_exception(msg.get("error") or {})
        files = msg.get("files") or []
        if files:
            slots.write_back(files, blobs)
        return wire.decode(msg.get("value"), blobs, lambda node: RemoteRef(self, node), slots.decode_out)

    def request(self, op: str, *args, extra: dict | None = None, limit: float | None = None):
        """Send one operation and return its decoded result (or raise what the worker reported)."""
        __tracebackhide__ = True
        frame, slots = self.pack(op, list(args), extra)
        msg, blobs, _ = self.exchange(frame, limit=limit)
        return self.result(msg, blobs, slots)

    def call(self, fn: RemoteRef, args: list, kwargs: dict):
        """fn(*args, **kwargs) in the worker. A submission function that once ran out of its time
        in this grading gets :data:`HUNG_RETRY_SECONDS` per later call, so that a function that
        never returns costs one wait, not one per test that calls it."""
        __tracebackhide__ = True
        label = object.__getattribute__(fn, "_label")
        first = self.hung_calls.get(label) if label else None
        try:
            return self.request("call", fn, args, kwargs, limit=HUNG_RETRY_SECONDS if first else None)
        except LimitReached:
            raise timeouts.TaskTimeout(
                f"{label} did not return within {HUNG_RETRY_SECONDS:g} s: it ran out of time in {first}, "
                f"so later calls get {HUNG_RETRY_SECONDS:g} s each"
            ) from None
        except BudgetRanOut:
            raise
        except timeouts.TaskTimeout:
            if label:
                self.hung_calls.setdefault(label, self.task.id)
            raise

    def kill(self) -> None:
        if self.alive:
            self.alive = False
            self.zygote.kill_task(self)

    def close(self) -> None:
        if self.alive:
            try:
                wire.send(self.sock, {"op": "bye"})
            except OSError:
                pass
            self.kill()
        self.sock.close()


def worker_of(ref: RemoteRef):
    """The worker handle an object lives in (read past RemoteRef's attribute forwarding)."""
    return object.__getattribute__(ref, "_worker")


def find_refs(value, depth: int = 0):
    """The RemoteRefs inside nested lists, tuples and dicts."""
    if isinstance(value, RemoteRef):
        yield value
    elif depth < 16 and type(value) in (list, tuple):
        for v in value:
            yield from find_refs(v, depth + 1)
    elif depth < 16 and type(value) is dict:
        for v in value.values():
            yield from find_refs(v, depth + 1)
