"""What crosses between the grading parent and a sandboxed worker: plain data, never pickles.

A message is one frame on a stream socket::

    header  = 8-byte magic+version, u32 JSON length, u32 blob count, u64 size of each blob
    payload = UTF-8 JSON, then the blobs

The JSON is a tree of plain values. Lists are JSON lists; every other non-JSON type is an object
with a ``"~"`` tag: tuples, dicts (any plain keys), arrays (a ``.npy`` blob read back with
``np.load(allow_pickle=False)``), tensors (the same ``.npy`` blob plus dtype and requires_grad),
dtypes, slices, files behind a path argument, and ``ref``: a handle to an object that stays in
the worker. Decoding only ever builds builtin types, ``np.ndarray`` and ``torch.Tensor``, so a
subclass that fakes equality cannot reach the parent, and nothing the worker sends is unpickled.
"""

from __future__ import annotations

import io
import json
import math
import os
import select
import socket
import struct
import sys
import time
from pathlib import Path, PurePath

MAGIC = b"GKWIRE01"
_HEAD = struct.Struct("<8sII")
MAX_MESSAGE = int(os.environ.get("GRADEKIT_MAX_MESSAGE_MB", "512")) * 2**20
MAX_BLOBS = 100_000
MAX_DEPTH = 64
MAX_NODES = 1_000_000
# The JSON part of a frame on its own: bulk data travels as blobs, and the JSON is parsed into
# Python objects that take many times its size, so a bomb of nested empty lists must be stopped
# before it is parsed, not after.
MAX_JSON = 16 * 2**20


class WireError(Exception):
    """A malformed, oversized or truncated message, or a value that is not plain data."""


class PeerClosed(WireError):
    """The other side closed the connection (a worker that exited or was killed)."""


class Deadline(Exception):
    """No complete message arrived before the deadline."""


# -- framing ------------------------------------------------------------------------------------
def pack(msg: dict, blobs: list[bytes] = ()) -> bytes:
    """One frame holding ``msg`` (JSON-able) and ``blobs``."""
    body = json.dumps(msg, separators=(",", ":"), allow_nan=True).encode()
    sizes = struct.pack(f"<{len(blobs)}Q", *(len(b) for b in blobs))
    return b"".join([_HEAD.pack(MAGIC, len(body), len(blobs)), sizes, body, *blobs])


def send(sock: socket.socket, msg: dict, blobs: list[bytes] = ()) -> None:
    sock.sendall(pack(msg, blobs))


class Woken(Exception):
    """Another watched socket became readable before this one (a worker's exit notice)."""


def _wait_readable(sock: socket.socket, deadline: float | None, also: list) -> None:
    if deadline is None and not also:
        return
    left = None if deadline is None else deadline - time.monotonic()
    if left is not None and left <= 0:
        raise Deadline()
    ready, _, _ = select.select([sock, *also], [], [], left)
    if not ready:
        raise Deadline()
    if sock not in ready:
        raise Woken()


def _read_exact(sock: socket.socket, n: int, deadline: float | None) -> bytes:
    """Read exactly n bytes or raise Deadline / PeerClosed."""
    buf = bytearray(n)
    view = memoryview(buf)
    got = 0
    while got < n:
        _wait_readable(sock, deadline, [])
        k = sock.recv_into(view[got:], n - got)
        if k == 0:
            raise PeerClosed("connection closed")
        got += k
    return bytes(buf)


def recv(
    sock: socket.socket, deadline: float | None = None, limit: int = MAX_MESSAGE, also: list | None = None
) -> tuple[dict, list[bytes]]:
    """The next frame as (msg, blobs). ``deadline`` is a time.monotonic() value or None; a socket in
    ``also`` that becomes readable first raises Woken (nothing of this frame has been read then)."""
    _wait_readable(sock, deadline, also or [])
    magic, json_len, n_blobs = _HEAD.unpack(_read_exact(sock, _HEAD.size, deadline))
    if magic != MAGIC:
        raise WireError("not a gradekit frame (bad magic)")
    if n_blobs > MAX_BLOBS:
        raise WireError(f"too many blobs ({n_blobs})")
    sizes = struct.unpack(f"<{n_blobs}Q", _read_exact(sock, 8 * n_blobs, deadline)) if n_blobs else ()
    total = json_len + sum(sizes)
    if total > limit:
        raise WireError(f"message of {total / 2**20:.0f} MiB is over the {limit / 2**20:.0f} MiB limit")
    if json_len > MAX_JSON:
        raise WireError(f"a message's JSON part of {json_len / 2**20:.0f} MiB is over {MAX_JSON / 2**20:.0f} MiB")
    body = _read_exact(sock, json_len, deadline)
    # Every value but the first follows a comma or opens a container: this bounds the nodes the
    # parser would build, counted in C before anything is built (commas in strings count too:
    # the bound is loose, never short).
    nodes = body.count(b",") + body.count(b"[") + body.count(b"{")
    if nodes > MAX_NODES:
        raise WireError(f"a message of more than {MAX_NODES} values")
    try:
        msg = json.loads(body.decode())
    except (UnicodeDecodeError, ValueError, RecursionError) as exc:
        raise WireError(f"bad JSON: {exc}") from None
    if not isinstance(msg, dict):
        raise WireError("a message is a JSON object")
    blobs = [_read_exact(sock, s, deadline) for s in sizes]
    return msg, blobs


# -- values -------------------------------------------------------------------------------------
def _npy(arr) -> bytes:
    import numpy as np

    buf = io.BytesIO()
    np.save(buf, arr, allow_pickle=False)
    return buf.getvalue()


def _load_npy(blob: bytes):
    import numpy as np

    try:
        arr = np.load(io.BytesIO(blob), allow_pickle=False)
    except Exception as exc:  # noqa: BLE001 - any malformed array is a wire error
        raise WireError(f"bad array: {exc}") from None
    if type(arr) is not np.ndarray or arr.dtype.hasobject:
        raise WireError("an array must be a plain numeric ndarray")
    return arr


# Tensor dtypes numpy has no type for travel as same-width integers and are viewed back.
_TORCH_VIA = {"bfloat16": "int16", "float8_e4m3fn": "int8", "float8_e5m2": "int8"}


def _tensor_dtype(name: str):
    import torch

    dt = getattr(torch, name, None)
    if not isinstance(dt, torch.dtype):
        raise WireError(f"unknown tensor dtype {name!r}")
    return dt


class Encoder:
    """Turns a value into (tree, blobs). ``on_object(obj)`` handles anything that is not plain
    data: the worker stores it and returns a ref node; the parent raises."""

    def __init__(self, on_object, on_path=None):
        self.blobs: list[bytes] = []
        self.on_object = on_object
        self.on_path = on_path
        self.nodes = 0

    def blob(self, data: bytes) -> int:
        self.blobs.append(data)
        return len(self.blobs) - 1

    def encode(self, v, depth: int = 0):
        self.nodes += 1
        if depth > MAX_DEPTH or self.nodes > MAX_NODES:
            raise WireError("value nested too deeply or too large to send")
        t = type(v)
        if v is None or t is bool or t is str:
            return v
        if t is int:
            return v
        if t is float:
            return v if math.isfinite(v) else {"~": "float", "v": repr(v)}
        if t is list:
            return [self.encode(x, depth + 1) for x in v]
        if t is tuple:
            return {"~": "tuple", "v": [self.encode(x, depth + 1) for x in v]}
        if t is dict:
            return {
                "~": "dict",
                "k": [self.encode(k, depth + 1) for k in v],
                "v": [self.encode(x, depth + 1) for x in v.values()],
            }
        if t is complex:
            return {"~": "complex", "v": [repr(v.real), repr(v.imag)]}
        if t in (set, frozenset):
            return {"~": t.__name__, "v": [self.encode(x, depth + 1) for x in v]}
        if t is slice:
            return {"~": "slice", "v": [self.encode(x, depth + 1) for x in (v.start, v.stop, v.step)]}
        if v is Ellipsis:
            return {"~": "ellipsis"}
        if t is bytes:
            return {"~": "bytes", "b": self.blob(v)}
        np = sys.modules.get("numpy")
        torch = sys.modules.get("torch")
        if np is not None:
            if isinstance(v, np.ndarray) and not v.dtype.hasobject:
                return {"~": "nd", "b": self.blob(_npy(np.asarray(v).view(np.ndarray)))}
            if isinstance(v, np.generic) and not isinstance(v, np.object_):
                return {"~": "nps", "b": self.blob(_npy(np.asarray(v)))}
            if isinstance(v, np.dtype):
                return {"~": "npdtype", "v": v.str if not v.hasobject else "O"}
            if isinstance(v, type) and issubclass(v, np.generic):
                return {"~": "nptype", "v": v.__name__}
        if torch is not None:
            if isinstance(v, torch.Tensor) and v.layout == torch.strided and v.device.type != "meta":
                return self._tensor(v, torch)
            if isinstance(v, torch.dtype):
                return {"~": "ptdtype", "v": str(v).split(".")[-1]}
            if isinstance(v, torch.device):
                return {"~": "device", "v": str(v)}
        if isinstance(v, PurePath) and self.on_path is not None:
            return self.on_path(v)
        # Subclasses of builtins are stripped to the builtin (an int that lies in __eq__ becomes an int).
        for base in (bool, int, float, str, bytes):
            if isinstance(v, base):
                return self.encode(base(v), depth)
        if isinstance(v, (list, tuple)) and not hasattr(v, "_fields"):
            return self.encode(list(v) if isinstance(v, list) else tuple(v), depth)
        if isinstance(v, tuple):  # namedtuple: its values, as a tuple
            return self.encode(tuple(v), depth)
        return self.on_object(v)

    def _tensor(self, v, torch):
        base = v.detach()
        if type(base) is not torch.Tensor:
            base = base.as_subclass(torch.Tensor)
        dname = str(base.dtype).split(".")[-1]
        arr = base.cpu().contiguous()
        if dname in _TORCH_VIA:
            arr = arr.view(getattr(torch, _TORCH_VIA[dname]))
        node = {
            "~": "pt",
            "b": self.blob(_npy(arr.numpy())),
            "dt": dname,
            "rg": bool(v.requires_grad),
            "param": isinstance(v, torch.nn.Parameter),
        }
        if v.device.type != "cpu":
            node["dev"] = str(v.device)
        return node


def encode(value, on_object, on_path=None) -> tuple[object, list[bytes]]:
    enc = Encoder(on_object, on_path)
    tree = enc.encode(value)
    return tree, enc.blobs


class Decoder:
    """Builds plain values back from (tree, blobs); ``on_ref`` and ``on_path`` map handles."""

    def __init__(self, blobs: list[bytes], on_ref=None, on_path=None):
        self.blobs = blobs
        self.on_ref = on_ref
        self.on_path = on_path
        self.nodes = 0

    def blob(self, node) -> bytes:
        i = node.get("b")
        if type(i) is not int or not 0 <= i < len(self.blobs):
            raise WireError("bad blob index")
        return self.blobs[i]

    def decode(self, node, depth: int = 0):
        self.nodes += 1
        if depth > MAX_DEPTH or self.nodes > MAX_NODES:
            raise WireError("value nested too deeply or too large")
        t = type(node)
        if node is None or t in (bool, int, float, str):
            return node
        if t is list:
            return [self.decode(x, depth + 1) for x in node]
        if t is not dict:
            raise WireError(f"unexpected JSON value of type {t.__name__}")
        tag = node.get("~")
        d = lambda x: self.decode(x, depth + 1)  # noqa: E731
        if tag == "tuple":
            return tuple(d(x) for x in _list(node))
        if tag == "dict":
            keys, vals = _list(node, "k"), _list(node, "v")
            if len(keys) != len(vals):
                raise WireError("dict keys and values differ in length")
            out = {}
            for k, x in zip(keys, vals):
                key = d(k)
                if not _hashable_plain(key):
                    raise WireError("dict key is not plain and hashable")
                out[key] = d(x)
            return out
        if tag == "float":
            return float(_choice(node["v"], ("nan", "inf", "-inf")))
        if tag == "complex":
            re_, im = _list(node)
            return complex(float(re_), float(im))
        if tag in ("set", "frozenset"):
            items = [d(x) for x in _list(node)]
            if not all(_hashable_plain(x) for x in items):
                raise WireError("set item is not plain and hashable")
            return set(items) if tag == "set" else frozenset(items)
        if tag == "slice":
            a, b, c = _list(node)
            return slice(d(a), d(b), d(c))
        if tag == "ellipsis":
            return Ellipsis
        if tag == "bytes":
            return bytes(self.blob(node))
        if tag == "nd":
            return _load_npy(self.blob(node))
        if tag == "nps":
            arr = _load_npy(self.blob(node))
            if arr.shape != ():
                raise WireError("a numpy scalar has shape ()")
            return arr[()]
        if tag == "npdtype":
            import numpy as np

            if node["v"] == "O":
                raise WireError("object dtypes are not plain data")
            return np.dtype(str(node["v"]))
        if tag == "nptype":
            import numpy as np

            typ = getattr(np, str(node["v"]), None)
            if not (isinstance(typ, type) and issubclass(typ, np.generic)):
                raise WireError(f"unknown numpy type {node['v']!r}")
            return typ
        if tag == "pt":
            return self._tensor(node)
        if tag == "ptdtype":
            return _tensor_dtype(str(node["v"]))
        if tag == "device":
            import torch

            return torch.device(str(node["v"]))
        if tag == "ref":
            if self.on_ref is None:
                raise WireError("no object handles expected here")
            return self.on_ref(node)
        if tag in ("path", "path-out"):
            if self.on_path is None:
                return Path(str(node.get("v", "")))
            return self.on_path(node, self)
        raise WireError(f"unknown tag {tag!r}")

    def _tensor(self, node):
        import torch

        arr = _load_npy(self.blob(node))
        dname = str(node.get("dt"))
        dtype = _tensor_dtype(dname)
        t = torch.from_numpy(arr)
        if dname in _TORCH_VIA:
            t = t.view(dtype)
        elif t.dtype != dtype:
            raise WireError(f"tensor says {dname} but carries {arr.dtype}")
        if node.get("dev"):
            try:
                t = t.to(str(node["dev"]))
            except Exception:  # noqa: BLE001 - no such device here: keep it on the CPU
                pass
        wants_grad = node.get("rg") is True and (t.is_floating_point() or t.is_complex())
        if node.get("param") is True:
            return torch.nn.Parameter(t, requires_grad=wants_grad)
        return t.requires_grad_(wants_grad)


def decode(tree, blobs: list[bytes], on_ref=None, on_path=None):
    return Decoder(blobs, on_ref, on_path).decode(tree)


def _list(node: dict, key: str = "v") -> list:
    v = node.get(key)
    if type(v) is not list:
        raise WireError(f"tag {node.get('~')!r} needs a list")
    return v


def _choice(value, allowed):
    if value not in allowed:
        raise WireError(f"unexpected value {value!r}")
    return value


def _hashable_plain(v) -> bool:
    return (
        v is None
        or type(v) in (bool, int, float, str, bytes, tuple, frozenset, complex)
        and (type(v) is not tuple or all(_hashable_plain(x) for x in v))
    )
