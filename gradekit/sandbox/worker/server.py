"""Inside the worker: answer the parent's requests about the student's objects.

Each request names an operation on objects of the worker (``import``, ``getattr``, ``call``,
``getitem``, ``len``, ``iter``, ``next``, ``probe``, ...). Plain results travel back as data
(gradekit.sandbox.wire); anything else stays here in a table of handles and travels as a ``ref`` the
parent can use in later requests. In a do-it-yourself task every operation that can run the
student's code runs inside the hardened guard (gradekit.sandbox.worker.tamper), encoding of the result included.
"""

from __future__ import annotations

import importlib
import io
import os
import shutil
import socket
import sys
import traceback
from pathlib import Path, PurePath

from gradekit.harness import importer
from gradekit.sandbox import paths, wire

EXCHANGE = Path(os.environ.get("TMPDIR", "/tmp")) / "gradekit-exchange"
MAX_PRINTED = 2**20  # characters of printed output per request that reach the test


class Forbidden(Exception):
    """A guarded operation made a forbidden call or tampered with the guard."""


class Server:
    """The request loop of one task's worker."""

    def __init__(self, sock: socket.socket, task_id: str, forbid: tuple[str, ...], submission: Path):
        self.sock = sock
        self.task_id = task_id
        self.forbid = tuple(forbid)
        self.submission = submission
        self.handles: dict[int, object] = {}
        self.next_handle = 1
        self.last_args = None
        self.calls = 0

    # -- plumbing -----------------------------------------------------------------------------
    def notify(self, message: str) -> None:
        """Tell the parent about a violation now, before the student's code can hide it."""
        wire.send(self.sock, {"note": "violation", "message": message})

    def keep(self, obj) -> dict:
        handle = self.next_handle
        self.next_handle += 1
        self.handles[handle] = obj
        kind = type(obj)
        return {
            "~": "ref",
            "id": handle,
            "type": f"{getattr(kind, '__module__', '?')}.{kind.__qualname__}"[:200],
            "callable": callable(obj),
        }

    def resolve(self, node: dict):
        handle = node.get("id")
        if handle not in self.handles:
            raise wire.WireError(f"no object with handle {handle!r} in this worker")
        return self.handles[handle]

    def serve(self) -> None:
        while True:
            try:
                msg, blobs = wire.recv(self.sock)
            except wire.PeerClosed:
                return
            if msg.get("op") == "bye":
                return
            reply, out_blobs = self.handle(msg, blobs)
            wire.send(self.sock, reply, out_blobs)

    def handle(self, msg: dict, blobs: list[bytes]) -> tuple[dict, list[bytes]]:
        self.calls += 1
        slots = _Slots(EXCHANGE / str(self.calls))
        printed = _Printed()
        try:
            args = wire.decode(msg.get("args", []), blobs, self.resolve, slots.decode)
            op = getattr(self, f"op_{msg.get('op')}", None)
            if op is None:
                raise wire.WireError(f"unknown operation {msg.get('op')!r}")
            with printed:
                value, enc = self.guarded(lambda: self.encode_result(op(*args), slots))
            files, file_blobs = slots.collect(len(enc.blobs))
            return {"ok": True, "value": value, "files": files, **printed.reply()}, enc.blobs + file_blobs
        except Forbidden as exc:
            return {"ok": False, "error": {"kind": "forbidden", "message": str(exc)}, **printed.reply()}, []
        except BaseException as exc:  # noqa: BLE001 - everything the student's code raises goes back as data
            return {"ok": False, "error": self.describe(exc), **printed.reply()}, []
        finally:
            slots.cleanup()

    def guarded(self, run):
        if not self.forbid:
            return run()
        from gradekit.sandbox.worker import tamper

        with tamper.GuardedCall(self.task_id, self.forbid, self.notify) as watch:
            try:
                result = run()
            except BaseException:
                if watch.violations:
                    raise Forbidden(watch.violations[0]) from None
                raise
        if watch.violations:
            raise Forbidden(watch.violations[0])
        return result

    def encode_result(self, value, slots: "_Slots"):
        enc = wire.Encoder(self.keep, slots.encode_out)
        return enc.encode(value), enc

    def describe(self, exc: BaseException) -> dict:
        if isinstance(exc, importer.SubmissionError):
            return {"kind": exc.kind, "type": type(exc).__name__, "message": str(exc)}
        where = ""
        files = importer.submission_files()
        frames = [f for f in traceback.extract_tb(exc.__traceback__) if f.filename in files]
        if frames:
            where = f" ({frames[-1].filename.rsplit('/', 1)[-1]}, line {frames[-1].lineno})"
        try:
            text = str(exc)
        except BaseException:  # noqa: BLE001 - a __str__ that raises
            text = "(the exception's message could not be read)"
        return {"kind": "exception", "type": type(exc).__name__[:100], "message": text[:4000], "where": where}

    # -- operations (arguments arrive decoded) ------------------------------------------------
    def op_import(self, name: str):
        return _ModuleRef(importer.load_module(name), name)

    def op_getattr(self, obj, name: str):
        if isinstance(obj, _ModuleRef):
            try:
                return getattr(obj.module, name)
            except AttributeError:
                question, module = obj.name.split(".")
                raise importer.MissingNameError(f"{question}/{module}.py has no `{name}`") from None
        return getattr(obj, name)

    def op_setattr(self, obj, name: str, value):
        setattr(obj.module if isinstance(obj, _ModuleRef) else obj, name, value)

    def op_call(self, fn, args, kwargs):
        return fn(*args, **kwargs)

    def op_speed_call(self, fn, args, kwargs):
        self.last_args = args
        return fn(*args, **kwargs)

    def op_last_args(self):
        return self.last_args

    def op_getitem(self, obj, key):
        return obj[key]

    def op_len(self, obj):
        return len(obj)

    def op_iter(self, obj):
        return _Iterator(iter(obj))

    def op_next(self, it):
        return next(it.it if isinstance(it, _Iterator) else it)

    def op_contains(self, obj, item):
        return item in obj

    def op_probe(self, name: str, args, kwargs):
        from gradekit import probes

        module = name.rsplit(".", 1)[0]
        while module and name not in probes.REGISTRY:
            try:
                importlib.import_module(module)
            except ImportError:
                module = module.rsplit(".", 1)[0] if "." in module else ""
                continue
            break
        fn = probes.REGISTRY.get(name)
        if fn is None:
            raise LookupError(f"no probe named {name!r}")
        return fn(*args, **kwargs)


class _Capped(io.StringIO):
    """A text stream that keeps the first MAX_PRINTED characters written to it."""

    def write(self, text) -> int:
        text = str(text)
        room = MAX_PRINTED - self.tell()
        if room > 0:
            super().write(text[:room])
        return len(text)


class _Printed:
    """What the student's code prints during one request (sys.stdout / sys.stderr), sent back with
    the reply so that the parent prints it where the test can capture it (capsys)."""

    def __enter__(self) -> "_Printed":
        self.out, self.err = _Capped(), _Capped()
        self.saved = sys.stdout, sys.stderr
        sys.stdout, sys.stderr = self.out, self.err
        return self

    def __exit__(self, *exc) -> None:
        sys.stdout, sys.stderr = self.saved

    def reply(self) -> dict:
        if not hasattr(self, "out"):
            return {}
        return {k: v for k, v in (("stdout", self.out.getvalue()), ("stderr", self.err.getvalue())) if v}


class _ModuleRef:
    """A submission module; kept apart so attribute errors name the file the student must fix."""

    def __init__(self, module, name: str):
        self.module = module
        self.name = name


class _Iterator:
    def __init__(self, it):
        self.it = it


class _Slots:
    """Path arguments: each becomes a private path here; what the student writes there goes back."""

    def __init__(self, folder: Path):
        self.folder = folder
        self.paths: list[Path] = []

    def decode(self, node: dict, decoder: "wire.Decoder"):
        if node.get("~") != "path":
            raise wire.WireError("unexpected path node")
        slot = len(self.paths)
        name = paths.safe_name(str(node.get("name") or "path"))
        path = self.folder / str(slot) / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if node.get("kind") == "dir":
            path.mkdir()
        if node.get("kind") == "file":
            path.write_bytes(decoder.blob(node))
        for rel, index in node.get("files", []):
            target = path / paths.safe_rel(rel)
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(decoder.blob({"b": index}))
        self.paths.append(path)
        return path

    def encode_out(self, value: PurePath) -> dict:
        """A path the student returns: mapped back to the parent's path when it is one of ours."""
        text = str(value)
        for slot, path in enumerate(self.paths):
            if text == str(path) or text.startswith(str(path) + "/"):
                return {"~": "path-out", "slot": slot, "rel": text[len(str(path)) :].lstrip("/")}
        return {"~": "path-out", "v": text[:4096]}

    def collect(self, first_blob: int) -> tuple[list, list[bytes]]:
        """(slot, relative path, blob index) of every regular file under each path, and the blobs."""
        files, blobs = [], []
        for slot, path in enumerate(self.paths):
            for f in paths.files_under(path):
                if f.stat().st_size > paths.MAX_FILE_BYTES:
                    continue
                files.append([slot, "" if f == path else str(f.relative_to(path)), first_blob + len(blobs)])
                blobs.append(f.read_bytes())
        return files, blobs

    def cleanup(self) -> None:
        # Also after a refused path argument: its folder exists before the check that refuses it.
        if self.folder.exists():
            shutil.rmtree(self.folder, ignore_errors=True)
