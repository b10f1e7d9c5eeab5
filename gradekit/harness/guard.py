"""Do-it-yourself tasks: catch calls of forbidden functions made by the student's code.

A task lists what it forbids in tasks.toml (``forbid = ["@convolution", "gradekit.ops"]``).
While one of its tests runs, these watchers look for those calls:

- a profile hook sees Python and C function calls (numpy, scipy, gradekit.ops), aliases included,
  because it compares the function objects themselves, not the names they were imported under;
- a TorchFunctionMode sees torch's public functions (``F.conv2d``, also when nn.Conv2d calls it);
- the profile hook also sees operator calls through ``torch.ops`` (``torch.ops.aten.convolution``,
  ``torch.ops.gradekit.conv2d``) by looking at the operator that torch's Python op wrapper is running;
- a TorchDispatchMode sees every ATen operator a task forbids by name (``aten:convolution``),
  whatever route reached the dispatcher: a private ``torch._C`` entry point, or a TorchScript
  function, whose operators run in torch's own interpreter. Its first use in a process costs
  about 2 s, so a grading worker's zygote enters it once before forking (``warm_operator_watch``).

A call counts only when a frame of a submission file is on the stack, so the test's own
reference computations are free to use anything. Violations are recorded and fail the test
with ``"q1.3 must not call torch.nn.functional.conv2d"``.
"""

from __future__ import annotations

import functools
import importlib
import importlib.util
import inspect
import os
import sys
import threading
from dataclasses import dataclass, field

from gradekit.harness import importer, native
from gradekit.harness.presets import PRESETS  # "@name" in tasks.toml expands to PRESETS[name]


class ForbiddenCallError(AssertionError):
    """Raised into the student's code when it calls a forbidden torch function."""


def expand(specs) -> tuple[str, ...]:
    """Presets ("@pooling") replaced by their members; order kept, duplicates dropped."""
    out: list[str] = []
    for spec in specs:
        if spec.startswith("@") and spec[1:] not in PRESETS:
            raise KeyError(f"unknown forbid preset {spec!r}; presets: {', '.join('@' + p for p in PRESETS)}")
        members = PRESETS[spec[1:]] if spec.startswith("@") else (spec,)
        out.extend(m for m in members if m not in out)
    return tuple(out)


def _resolve(dotted: str):
    """Import 'pkg.mod.attr' and return the attribute, or the module itself; None if absent."""
    parts = dotted.split(".")
    for cut in range(len(parts), 0, -1):
        try:
            obj = importlib.import_module(".".join(parts[:cut]))
        except ImportError:
            continue
        try:
            for attr in parts[cut:]:
                obj = getattr(obj, attr)
        except AttributeError:
            return None
        return obj
    return None


def _unimported_package(dotted: str) -> str | None:
    """For 'scipy.signal.convolve2d' while scipy.signal is not imported yet: its folder, found without
    importing it. Importing scipy.signal, scipy.ndimage and skimage only to learn their functions'
    identities costs seconds per run; a call into that folder of a function with that name is
    recognised by its code's file and name instead."""
    package = dotted.rsplit(".", 1)[0]
    if "." not in dotted or package in sys.modules:
        return None
    try:
        spec = importlib.util.find_spec(package)  # imports only the parents of `package`
    except (ImportError, ValueError):
        return None
    if spec is None or not spec.submodule_search_locations:
        return None
    return os.path.join(list(spec.submodule_search_locations)[0], "")


def codes_of(obj) -> set:
    """The code objects that run when ``obj`` is called (unwrapping decorators and numpy dispatchers)."""
    codes = set()
    seen = set()
    stack = [obj]
    while stack:
        o = stack.pop()
        if id(o) in seen:
            continue
        seen.add(id(o))
        code = getattr(o, "__code__", None)
        if code is not None:
            codes.add(code)
        for attr in ("__wrapped__", "_implementation", "__func__"):
            inner = getattr(o, attr, None)
            if inner is not None:
                stack.append(inner)
    return codes


@dataclass
class ForbiddenSet:
    """What a task forbids, resolved into things the watchers can compare by identity."""

    codes: dict = field(default_factory=dict)  # code object -> public name
    callables: dict = field(default_factory=dict)  # id(builtin or torch function) -> public name
    ops: dict = field(default_factory=dict)  # 'aten::convolution' -> public name (calls through torch.ops)
    namespaces: dict = field(default_factory=dict)  # 'gradekit' -> public name
    # 'aten-except:a,b': every ATen operator but these is forbidden (None: no allow-list)
    aten_allowed: frozenset | None = None
    lazy: dict = field(default_factory=dict)  # function name -> [(package folder, public name)]

    @property
    def watches_operators(self) -> bool:
        """Whether anything is forbidden by ATen operator, so the dispatch-level watch is needed."""
        return bool(self.ops or self.namespaces or self.aten_allowed is not None)

    @classmethod
    @functools.lru_cache(maxsize=None)
    def resolve(cls, specs: tuple[str, ...]) -> "ForbiddenSet":
        t = cls()
        keep = []  # objects whose ids we store must stay alive
        for spec in expand(specs):
            if spec.startswith("aten:"):
                t.ops[f"aten::{spec[5:]}"] = f"torch.ops.aten.{spec[5:]}"
                continue
            if spec.startswith("aten-except:"):
                allowed = frozenset(n for n in spec.split(":", 1)[1].split(",") if n)
                t.aten_allowed = allowed if t.aten_allowed is None else t.aten_allowed & allowed
                continue
            if spec.startswith("aten-namespace:"):
                ns = spec.split(":", 1)[1]
                t.namespaces[ns] = f"torch.ops.{ns}"
                continue
            folder = _unimported_package(spec)
            if folder is not None:
                t.lazy.setdefault(spec.rsplit(".", 1)[1], []).append((folder, spec))
                continue
            obj = _resolve(spec)
            if obj is None:
                continue  # not installed here: nothing can call it either
            if inspect.ismodule(obj):
                for name, member in vars(obj).items():
                    if callable(member) and getattr(member, "__module__", None) == obj.__name__:
                        for code in codes_of(member):
                            t.codes.setdefault(code, f"{spec}.{name}")
                        if inspect.isclass(member):
                            for meth in vars(member).values():
                                for code in codes_of(meth):
                                    t.codes.setdefault(code, f"{spec}.{name}")
                continue
            for code in codes_of(obj):
                t.codes.setdefault(code, spec)
            t.callables.setdefault(id(obj), spec)
            keep.append(obj)
        t._keep = keep
        return t


def unresolved(specs) -> list[str]:
    """The forbidden names in ``specs`` that name nothing on this machine (a typo, or a package that
    is not installed): the guard would silently watch nothing for them. Unknown presets raise KeyError."""
    missing = []
    for spec in expand(specs):
        if spec.startswith("aten-namespace:"):
            continue
        if spec.startswith("aten-except:"):
            torch = importlib.import_module("torch")
            missing += [f"aten:{n}" for n in spec.split(":", 1)[1].split(",") if n and not hasattr(torch.ops.aten, n)]
            continue
        if spec.startswith("aten:"):
            torch = importlib.import_module("torch")
            if not hasattr(torch.ops.aten, spec[5:]):
                missing.append(spec)
            continue
        if _unimported_package(spec) is None and _resolve(spec) is None:
            missing.append(spec)
    return missing


def _torch_op_call_codes() -> frozenset:
    """The code objects of torch's Python wrappers that every ``torch.ops.ns.op(...)`` call runs."""
    torch = sys.modules.get("torch")
    if torch is None:
        return frozenset()
    from torch._ops import OpOverload, OpOverloadPacket

    return frozenset({OpOverloadPacket.__call__.__code__, OpOverload.__call__.__code__})


_TORCH_OP_CALLS: frozenset = frozenset()


def submission_frame(frame):
    """The innermost frame on the stack that runs a submission file, or None."""
    files = importer.submission_files()
    while frame is not None:
        if frame.f_code.co_filename in files:
            return frame
        frame = frame.f_back
    return None


class Guard:
    """Context manager that records forbidden calls made (directly or indirectly) by submission code."""

    def __init__(self, task_id: str, specs):
        self.task_id = task_id
        self.forbidden = ForbiddenSet.resolve(tuple(specs))
        self.violations: list[str] = []
        self.modes = []  # torch function modes entered by __enter__ (the tamper check looks for them)
        self.dispatch_modes = []  # and the dispatch mode over ATen operators
        self._old_profile = None

    # -- recording ------------------------------------------------------------------------------
    def _record(self, name: str, frame) -> str | None:
        sub = submission_frame(frame)
        if sub is None:
            return None
        where = f" ({sub.f_code.co_filename.rsplit('/', 1)[-1]}, line {sub.f_lineno})"
        msg = f"{self.task_id} must not call {name}{where}"
        if not any(v.startswith(f"{self.task_id} must not call {name} ") for v in self.violations):
            self.violations.append(msg)
        return msg

    def _refuse(self, name: str, frame) -> None:
        """Record a forbidden torch call and stop it there (the torch modes can raise; the profile hook cannot)."""
        msg = self._record(name, frame)
        if msg:
            raise ForbiddenCallError(msg)

    def _profile(self, frame, event, arg):
        if event == "call":
            code = frame.f_code
            name = self.forbidden.codes.get(code)
            if name is not None:
                self._record(name, frame.f_back)
            elif code.co_name in self.forbidden.lazy:
                for folder, public in self.forbidden.lazy[code.co_name]:
                    if code.co_filename.startswith(folder):
                        self._record(public, frame.f_back)
            elif code in _TORCH_OP_CALLS:
                name = self._op_name(frame.f_locals.get("self"))
                if name is not None:
                    self._record(name, frame.f_back)
        elif event == "c_call":
            name = self.forbidden.callables.get(id(arg))
            if name is not None:
                self._record(name, frame)

    def _op_name(self, op) -> str | None:
        """The public name of a torch.ops operator if the task forbids it."""
        qualified = getattr(op, "_qualified_op_name", None) or getattr(op, "_name", None)
        if not isinstance(qualified, str):
            return None
        base = qualified.split(".")[0]
        if base in self.forbidden.ops:
            return self.forbidden.ops[base]
        namespace, _, name = base.partition("::")
        if namespace in self.forbidden.namespaces:
            return f"{self.forbidden.namespaces[namespace]}.{name}"
        allowed = self.forbidden.aten_allowed
        if namespace == "aten" and allowed is not None and name not in allowed:
            return f"torch.ops.aten.{name} (only operators that allocate or lay out memory are allowed)"
        return None

    # -- torch watchers -------------------------------------------------------------------------
    def _torch_modes(self):
        torch = sys.modules.get("torch")
        if torch is None or not self.forbidden.callables:
            return []
        from torch.overrides import TorchFunctionMode

        guard = self

        class FunctionWatch(TorchFunctionMode):
            def __torch_function__(self, func, types, args=(), kwargs=None):
                name = guard.forbidden.callables.get(id(func))
                if name is not None:
                    guard._refuse(name, sys._getframe(1))
                return func(*args, **(kwargs or {}))

        return [FunctionWatch()]

    def _operator_modes(self):
        """A TorchDispatchMode over every ATen call the task forbids by operator: it sees the calls
        that reach the dispatcher by any route (torch.ops, torch._C entry points, TorchScript), which
        the profile hook and the function mode see only when they pass through Python."""
        torch = sys.modules.get("torch")
        if torch is None or not self.forbidden.watches_operators:
            return []
        from torch.utils._python_dispatch import TorchDispatchMode

        guard = self

        class OperatorWatch(TorchDispatchMode):
            def __torch_dispatch__(self, func, types, args=(), kwargs=None):
                name = guard._op_name(func)
                if name is not None:
                    guard._refuse(name, sys._getframe(1))
                return func(*args, **(kwargs or {}))

        return [OperatorWatch()]

    def __enter__(self) -> "Guard":
        global _TORCH_OP_CALLS
        if not _TORCH_OP_CALLS:
            _TORCH_OP_CALLS = _torch_op_call_codes()
        self._check_native_imports()
        self._old_profile = sys.getprofile()
        sys.setprofile(self._profile)
        threading.setprofile(self._profile)
        self.modes = self._torch_modes()
        self.dispatch_modes = self._operator_modes()
        for mode in self.modes + self.dispatch_modes:
            mode.__enter__()
        return self

    def _check_native_imports(self) -> None:
        """With an ATen allow-list, what the submission's compiled libraries import (checked when
        the call starts and again when it ends, for a library loaded meanwhile): gradekit.harness.native."""
        if self.forbidden.aten_allowed is None:
            return
        try:
            found = native.memory_only_violations(self.task_id, self.forbidden.aten_allowed)
        except OSError as exc:  # no /proc: nothing can be inspected, so nothing compiled may run
            found = [f"{self.task_id}: the loaded libraries cannot be listed ({exc})"]
        for msg in found:
            if msg not in self.violations:
                self.violations.append(msg)

    def __exit__(self, *exc) -> None:
        try:
            for mode in reversed(self.modes + self.dispatch_modes):
                mode.__exit__(None, None, None)
        finally:  # a mode the watched code took off its stack may raise here: the hooks still go
            self.modes, self.dispatch_modes = [], []
            threading.setprofile(None)
            sys.setprofile(self._old_profile)
            self._check_native_imports()


def warm_operator_watch() -> None:
    """Enter the operator watch once, on a tiny operation it lets through: a TorchDispatchMode's
    first use imports and sets up seconds' worth of torch machinery, which processes forked
    afterwards then share."""
    torch = sys.modules.get("torch")
    if torch is None:
        return
    for mode in Guard("warm-up", ("aten:convolution",))._operator_modes():
        with mode:
            torch.zeros(1).add_(1)
