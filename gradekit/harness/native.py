"""What a native library the submission compiled imports from torch: a static check of its dynamic
symbol table, for the tasks whose kernels may use ATen only to allocate and lay out memory.

The guard's operator watch sees each ATen call that reaches the dispatcher on the thread running
the guarded call. Compiled code can reach ATen's math without passing it: from a thread of its own
(the watch is a thread-local mode), by calling a kernel directly (``at::native::``, ``at::cpu::``),
by excluding the Python dispatch key or redispatching below it, or by looking a symbol up at run
time. Each of those needs the library to import a symbol, and its imports are fixed when it is
linked, before any of its code runs. So for every library mapped into the process from outside
the Python installation and the system's library folders, this module reads the undefined symbols
of its ELF dynamic symbol table and names the imports such a task may not use. What it cannot
see: code that finds torch's functions without importing them (parsing the memory maps and ELF
tables itself); docs/grading.md lists it.
"""

from __future__ import annotations

import ctypes
import functools
import os
import re
import struct
import sys
import sysconfig
from pathlib import Path

# at::_ops::<operator struct>::call / ::redispatch: every ATen operator call from C++ goes through one.
_OPS_SYMBOL = re.compile(r"^_ZN2at4_ops(\d+)")
# Direct kernel entry points that skip the dispatcher, and the dispatcher's own controls.
_DIRECT_KERNELS = {
    "_ZN2at6native": "at::native:: (an ATen kernel called directly)",
    "_ZN2at3cpu": "at::cpu:: (an ATen kernel called directly)",
    "_ZN2at26compositeexplicitautograd": "at::compositeexplicitautograd:: (an ATen kernel called directly)",
    "_ZN2at26compositeimplicitautograd": "at::compositeimplicitautograd:: (an ATen kernel called directly)",
    "_ZN2at38compositeexplicitautogradnonfunctional": "at::compositeexplicitautogradnonfunctional:: "
    "(an ATen kernel called directly)",
}
_DISPATCHER = re.compile(r"^_ZNK?3c10(10Dispatcher|4impl13OperatorEntry)")
_DISPATCH_KEYS = re.compile(r"^_ZNK?3c104impl.*[Dd]ispatch_?[Kk]ey")
_RUN_TIME_LOOKUP = frozenset({"dlopen", "dlmopen", "dlsym", "dlvsym", "dl_iterate_phdr", "_r_debug"})
_MAX_LIBRARY_BYTES = 512 * 2**20


class UnreadableLibrary(ValueError):
    """A mapped library whose dynamic symbols cannot be read (not ELF64, or its tables are missing)."""


def undefined_symbols(path: str) -> list[str]:
    """The names of the undefined (imported) symbols in an ELF64 little-endian file's .dynsym."""
    size = os.path.getsize(path)
    if size > _MAX_LIBRARY_BYTES:
        raise UnreadableLibrary(f"{path} is {size} bytes, more than a kernel's library can be")
    with open(path, "rb") as f:
        data = f.read()
    if data[:4] != b"\x7fELF" or data[4:6] != b"\x02\x01":
        raise UnreadableLibrary(f"{path} is not a 64-bit little-endian ELF file")
    try:
        (shoff,) = struct.unpack_from("<Q", data, 0x28)
        shentsize, shnum = struct.unpack_from("<HH", data, 0x3A)
        sections = [struct.unpack_from("<IIQQQQIIQQ", data, shoff + i * shentsize) for i in range(shnum)]
        dynsym = [s for s in sections if s[1] == 11]  # SHT_DYNSYM
        if len(dynsym) != 1:
            raise UnreadableLibrary(f"{path} has no dynamic symbol table in its section headers")
        _, _, _, _, offset, length, link, _, _, _ = dynsym[0]
        strings = sections[link][4]
        names = []
        for at in range(offset, offset + length, 24):
            name, _info, _other, shndx, _value, _size = struct.unpack_from("<IBBHQQ", data, at)
            if shndx == 0 and name:  # SHN_UNDEF: resolved by the dynamic linker from another library
                names.append(data[strings + name : data.index(b"\0", strings + name)].decode("ascii", "replace"))
    except (struct.error, IndexError, ValueError) as exc:
        raise UnreadableLibrary(f"{path}: its ELF tables cannot be read ({exc})") from exc
    return names


@functools.lru_cache(maxsize=None)
def allowed_operator_structs(allowed: frozenset) -> frozenset:
    """The at::_ops struct names (operator name, then ``_`` and the overload name if any) of every
    registered overload of the ATen operators in ``allowed``."""
    import torch

    structs = set()
    for schema in torch._C._jit_get_all_schemas():
        namespace, _, name = schema.name.partition("::")
        if namespace == "aten" and name in allowed:
            structs.add(f"{name}_{schema.overload_name}" if schema.overload_name else name)
    return frozenset(structs)


def forbidden_imports(symbols: list[str], allowed_structs: frozenset) -> list[str]:
    """What in ``symbols`` a kernel limited to memory operators may not import, described: the
    routes around the dispatcher first (they say the most), then the ATen operators by name."""
    routes, operators = set(), set()
    for sym in symbols:
        ops = _OPS_SYMBOL.match(sym)
        if ops:
            start = ops.end()
            struct_name = sym[start : start + int(ops.group(1))]
            if struct_name not in allowed_structs:
                operators.add(f"the ATen operator at::_ops::{struct_name}")
            elif "10redispatch" in sym[start:]:
                routes.add(f"a redispatch of at::_ops::{struct_name} (below the dispatcher's watch)")
            continue
        prefix = next((p for p in _DIRECT_KERNELS if sym.startswith(p)), None)
        if prefix is not None:
            routes.add(_DIRECT_KERNELS[prefix])
        elif _DISPATCHER.match(sym):
            routes.add("the dispatcher itself (c10::Dispatcher)")
        elif _DISPATCH_KEYS.match(sym):
            routes.add("the thread's dispatch keys (c10::impl)")
        elif sym in _RUN_TIME_LOOKUP:
            routes.add(f"{sym} (a symbol looked up at run time)")
    return sorted(routes) + sorted(operators)


@functools.lru_cache(maxsize=1)
def _trusted_roots() -> tuple[str, ...]:
    """Where libraries the submission cannot have written come from: the Python installation, its
    packages, gradekit and the system's library folders (read-only inside the sandbox, root's
    without it)."""
    import gradekit

    roots = {sys.prefix, sys.base_prefix, os.path.dirname(os.path.dirname(os.path.realpath(sys.executable)))}
    roots.add(os.path.dirname(gradekit.__file__))  # its own extensions, wherever it is installed
    roots.update(p for p in sys.path if p.endswith(("site-packages", "dist-packages")))
    roots.update(sysconfig.get_paths().get(k, "") for k in ("stdlib", "platstdlib", "purelib", "platlib"))
    roots.update(("/usr/lib", "/usr/lib64", "/lib", "/lib64", "/usr/local/lib"))
    return tuple(sorted(os.path.realpath(r) + os.sep for r in roots if r))


@functools.lru_cache(maxsize=4096)
def _trusted(path: str) -> bool:
    real = os.path.realpath(path)
    return any((real + os.sep).startswith(root) for root in _trusted_roots())


# A line of /proc/self/maps whose mapping is executable and backed by a file: its path.
_EXECUTABLE_FILE = re.compile(r"^\S+ ..x. \S+ \S+ \S+ +(/.*)$", re.MULTILINE)


def untrusted_libraries(maps: str = "/proc/self/maps") -> list[str]:
    """The files mapped executable into this process from outside the trusted roots."""
    paths = set(_EXECUTABLE_FILE.findall(Path(maps).read_text()))
    return sorted(p for p in paths if not _trusted(p))


@functools.lru_cache(maxsize=256)
def _problems_of(path: str, identity: tuple, allowed_structs: frozenset) -> tuple[str, ...]:
    del identity  # part of the cache key only: a library rebuilt under the same name is read again
    try:
        return tuple(forbidden_imports(undefined_symbols(path), allowed_structs))
    except (OSError, UnreadableLibrary) as exc:
        return (f"a library that cannot be inspected ({exc})",)


class _LoadedObject(ctypes.Structure):
    """The start of glibc's struct dl_phdr_info, up to the counters of loads and unloads."""

    _fields_ = [
        ("addr", ctypes.c_void_p),
        ("name", ctypes.c_char_p),
        ("phdr", ctypes.c_void_p),
        ("phnum", ctypes.c_uint16),
        ("adds", ctypes.c_ulonglong),
        ("subs", ctypes.c_ulonglong),
    ]


@functools.lru_cache(maxsize=1)
def _dl_iterate_phdr():
    return ctypes.CDLL(None).dl_iterate_phdr


_VISIT = ctypes.CFUNCTYPE(ctypes.c_int, ctypes.POINTER(_LoadedObject), ctypes.c_size_t, ctypes.c_void_p)


def loads_so_far() -> int | None:
    """How many objects the dynamic linker has loaded in this process (dl_iterate_phdr's dlpi_adds),
    read from the first object only; None where it cannot be read. Reading /proc/self/maps costs
    most of a millisecond in a process with torch, so it is read again only when this changed."""
    seen = []

    def first(info, size, _data):
        if size >= _LoadedObject.subs.offset:
            seen.append(info.contents.adds)
        return 1  # one object is enough: the counters are the process's

    try:
        _dl_iterate_phdr()(_VISIT(first), None)
    except (OSError, AttributeError):
        return None
    return seen[0] if seen else None


_LISTED: dict = {}  # {"loads": count when last listed, "paths": what was listed then}


def _untrusted_now() -> list[str]:
    loads = loads_so_far()
    if loads is None or _LISTED.get("loads") != loads:
        _LISTED.update(loads=loads, paths=untrusted_libraries())
    return _LISTED["paths"]


def memory_only_violations(task_id: str, allowed: frozenset) -> list[str]:
    """One message per loaded untrusted library that imports what ``allowed`` does not let through."""
    structs = allowed_operator_structs(allowed)
    messages = []
    for path in _untrusted_now():
        try:
            info = os.stat(path)
            identity = (info.st_ino, info.st_mtime_ns, info.st_size)
        except OSError:
            identity = ()
        problems = _problems_of(path, identity, structs)
        if problems:
            named = ", ".join(problems[:3]) + (f" and {len(problems) - 3} more" if len(problems) > 3 else "")
            messages.append(
                f"{task_id} must not use {named} from compiled code ({os.path.basename(path)}, which "
                "every task that runs it pays for): only ATen operators that allocate or lay out memory are allowed"
            )
    return messages
