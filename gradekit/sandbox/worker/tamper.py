"""The do-it-yourself guard as it runs inside a grading worker, hardened against the code it watches.

In grade mode the student's code shares its process with the guard (gradekit.harness.guard), so it could
try to switch the guard off. This adds three things around each guarded call:

- an audit hook (``sys.addaudithook``: once installed it cannot be removed) that, while a guarded
  call runs and the submission's own code does it (``caused_by_submission``), blocks and reports
  ``sys.setprofile`` / ``sys.settrace`` (removing the profile hook), ``gc.get_objects`` / ``get_referrers`` /
  ``get_referents`` (reaching the guard's private state), any ``ctypes`` use (editing memory,
  native code), starting processes (running a forbidden call out of sight) and replacing the code
  of gradekit's functions;
- a check after the call that the profile hook and the torch function mode are still in place and
  that no global of gradekit.harness.guard / gradekit.harness.importer was replaced;
- a report of each violation to the parent the moment it is seen, before the student's code can
  undo anything, through ``notify``;
- pins (``install``): the list of the submission's files is frozen, and the objects the guard's
  decisions rest on (its frame test, its classes' methods, the importer's state) are recorded
  before any student code runs, and compared at every guarded call's start and end, so that what
  the submission changed while nothing was armed (at import time) is found too.

- threads started with the low-level ``_thread`` module (or threading's private handle on it)
  while a guarded call runs get the guard's profile hook, as threading's own threads do: both
  names are replaced by a starter that installs it, before any student code is imported, and
  pinned.

What it cannot catch: a forbidden torch function called by its Python name in such a thread is
seen by the profile hook but not by the torch function mode (its stack is per thread), a function
compiled with TorchScript calling an operator the task forbids by its Python name only (the
dispatch mode sees operators named ``aten:...``), a second copy of a library loaded under another module name (new function objects), and edits of the
guard's Python objects made without any audited operation (for instance through a reference kept
from before the call). Grading is
still safe from such code changing its score by other means: the verdict is computed in the parent.
"""

from __future__ import annotations

import _thread
import sys
import threading

from gradekit.harness import guard, importer

_FROM_SUBMISSION = (
    "sys.setprofile",
    "sys.settrace",
    "gc.get_objects",
    "gc.get_referrers",
    "gc.get_referents",
    "os.fork",
    "os.forkpty",
    "os.posix_spawn",
    "os.spawn",
    "os.exec",
    "os.system",
    "subprocess.Popen",
    "sys._current_frames",
    "sys.setswitchinterval",
)


class Watch:
    """Process-wide state of the audit hook; armed only while a guarded call runs."""

    def __init__(self) -> None:
        self.armed: _Armed | None = None
        self.busy = threading.local()

    def hook(self, event: str, args: tuple) -> None:
        armed = self.armed
        if armed is None or armed.allow or getattr(self.busy, "on", False):
            return
        watched = (
            event in _FROM_SUBMISSION
            or event.startswith("ctypes.")
            or (event in ("object.__setattr__", "object.__delattr__") and _is_gradekit(args[0] if args else None))
        )
        if not watched:
            return
        self.busy.on = True
        try:
            if not caused_by_submission(event, sys._getframe(1)):
                return
            if event == "subprocess.Popen" and armed.builds_native and _started_by_builder(sys._getframe(1)):
                return
        finally:
            self.busy.on = False
        armed.tampered(event)


_LIBRARY_LOADING = ("ctypes.dlopen", "ctypes.dlsym", "ctypes.dlsym/handle")


def caused_by_submission(event: str, frame) -> bool:
    """Whether the submission's own code did an audited operation that starts at ``frame``.

    Not when a library did it on its own behalf while the submission waited: work done during an
    import (matplotlib may start a process to list fonts the first time it is imported), or a library
    loading its native parts through ctypes (torchvision does on first use). A process started or
    a library loaded by the submission's own line still counts, as does anything a submission file
    runs while it is itself being imported.
    """
    submission = guard.submission_frame(frame)
    if submission is None:
        return False
    between = frame
    while between is not submission:
        if between.f_code.co_filename.startswith("<frozen importlib"):
            return False
        between = between.f_back
    if event in _LIBRARY_LOADING:
        caller = frame
        while caller is not submission and _in_ctypes(caller):
            caller = caller.f_back
        return caller is submission
    return True


# The code objects of torch's C++ extension builder (torch.utils.cpp_extension), taken before any
# student code runs: code compiled later under that file's name is a different object.
_BUILDER_CODES: frozenset = frozenset()


def _builder_codes() -> frozenset:
    module = sys.modules.get("torch.utils.cpp_extension")
    if module is None:
        return frozenset()
    codes = set()
    for member in vars(module).values():
        if callable(member) and getattr(member, "__module__", None) == module.__name__:
            codes |= guard.codes_of(member)
    return frozenset(codes)


def _started_by_builder(frame) -> bool:
    """Whether torch's extension builder (load_inline: ninja, the compiler) started this process.

    Allowed only in a task whose math must be in the student's own compiled code (an ATen
    allow-list, "@aten-computing"): there the dispatcher watch, not the ban on processes, is what
    keeps the math out of ATen, and that code must be compiled while the task runs.
    """
    while frame is not None:
        if frame.f_code in _BUILDER_CODES:
            return True
        frame = frame.f_back
    return False


def _in_ctypes(frame) -> bool:
    return frame.f_globals.get("__name__", "").split(".")[0] == "ctypes"


def _is_gradekit(obj) -> bool:
    module = getattr(obj, "__module__", None) or ""
    return isinstance(module, str) and module.startswith("gradekit")


WATCH = Watch()
_installed = False
_RAW_START = _thread.start_new_thread


def _start_watched(function, args, kwargs=None):
    """``_thread.start_new_thread`` for this process: a thread started while a guarded call runs
    runs under the guard's profile hook too (threading.setprofile's), so no thread escapes it."""
    hook = threading.getprofile() if hasattr(threading, "getprofile") else threading._profile_hook
    if WATCH.armed is None or hook is None:
        return _RAW_START(function, args, *([] if kwargs is None else [kwargs]))

    def watched(*a, **k):
        sys.setprofile(hook)
        return function(*a, **k)

    return _RAW_START(watched, args, {} if kwargs is None else kwargs)


def install() -> None:
    """Install the audit hook (once per process) and pin what decides whose code a frame runs,
    before any student code is imported.

    The list of the submission's files becomes a frozenset (it cannot be emptied), and the objects
    the guard's decisions rest on are recorded here, so that a change made at import time, while
    no guarded call runs and the audit hook is not armed, is still found at the next guarded call.
    """
    global _installed
    if not _installed:
        sys.addaudithook(WATCH.hook)
        _thread.start_new_thread = _thread.start_new = _start_watched
        threading._start_new_thread = _start_watched
        _installed = True
    importer.STATE.files = frozenset(importer.STATE.files)
    global _BUILDER_CODES
    _BUILDER_CODES = _builder_codes()
    _PINS[:] = _pins()


def _pins() -> list[tuple[str, object, str, object]]:
    """(label, owner, name, object) for every object the guard's decisions rest on."""
    me = sys.modules[__name__]
    owners = [
        (guard, ("submission_frame", "Guard", "ForbiddenSet", "importer")),
        (importer, ("STATE", "submission_files")),
        (
            me,
            (
                "caused_by_submission",
                "_started_by_builder",
                "_BUILDER_CODES",
                "GuardedCall",
                "_NotifyingGuard",
                "WATCH",
                "_pinned_problems",
                "_PINS",
            ),
        ),
        (importer.STATE, ("files",)),
        (_thread, ("start_new_thread", "start_new")),
        (threading, ("_start_new_thread",)),
    ]
    pins = [
        (f"{getattr(o, '__name__', 'importer.STATE')}.{n}", o, n, getattr(o, n)) for o, names in owners for n in names
    ]
    for cls in (guard.Guard, guard.ForbiddenSet, _NotifyingGuard, GuardedCall, Watch):
        pins += [(f"{cls.__qualname__}.{n}", cls, n, v) for n, v in vars(cls).items() if not n.startswith("__")]
    return pins


_PINS: list[tuple[str, object, str, object]] = []


def _pinned_problems() -> list[str]:
    """What was replaced since install() among the pinned objects (and the submission's files)."""
    out = []
    for label, owner, name, value in _PINS:
        if vars(owner).get(name, _MISSING) is not value:
            out.append(f"{label} was replaced")
    if type(importer.STATE.files) is not frozenset:
        out.append("the list of the submission's files was replaced")
    return out


class TamperError(AssertionError):
    """Raised into the student's code when it touches the guard; the verdict is 'forbidden'."""


class _Armed:
    def __init__(self, guarded: "GuardedCall") -> None:
        self.guarded = guarded
        self.allow = False
        self.builds_native = guarded.guard.forbidden.aten_allowed is not None

    def tampered(self, event: str) -> None:
        msg = f"{self.guarded.task_id} must not tamper with the do-it-yourself checks ({event})"
        self.guarded.report(msg)
        raise TamperError(msg)


class _NotifyingGuard(guard.Guard):
    """gradekit.harness.guard.Guard that also sends each violation to the parent as soon as it is recorded."""

    def __init__(self, task_id: str, specs, notify) -> None:
        super().__init__(task_id, specs)
        self._notify = notify

    def _record(self, name: str, frame):
        msg = super()._record(name, frame)
        if msg:
            self._notify(msg)
        return msg


def _snapshot() -> dict:
    return {mod.__name__: dict(vars(mod)) for mod in (guard, importer)}


def _changed(before: dict) -> list[str]:
    out = []
    for mod in (guard, importer):
        now = vars(mod)
        for name, value in before[mod.__name__].items():
            if now.get(name, _MISSING) is not value:
                out.append(f"{mod.__name__}.{name}")
    return out


_MISSING = object()


class GuardedCall:
    """Context manager around one call of the student's code in a do-it-yourself task."""

    def __init__(self, task_id: str, specs, notify) -> None:
        self.task_id = task_id
        self.notify = notify
        self.violations: list[str] = []
        self.guard = _NotifyingGuard(task_id, specs, self.report)
        self._armed = _Armed(self)

    def report(self, msg: str) -> None:
        if msg not in self.violations:
            self.violations.append(msg)
            self.notify(msg)

    def __enter__(self) -> "GuardedCall":
        self._armed.allow = True  # the guard's own sys.setprofile
        try:
            self.guard.__enter__()
        finally:
            self._armed.allow = False
        self._before = _snapshot()  # after __enter__, which sets some of the guard's globals itself
        self._profile = sys.getprofile()
        self._modes = list(self.guard.modes)
        self._dispatch_modes = list(self.guard.dispatch_modes)
        for problem in _pinned_problems():  # done while no guarded call ran (at import, say)
            self.report(f"{self.task_id} must not tamper with the do-it-yourself checks ({problem})")
        WATCH.armed = self._armed
        return self

    def __exit__(self, *exc) -> None:
        WATCH.armed = None
        problems = []
        if sys.getprofile() is not self._profile:
            problems.append("the profile hook was replaced")
        if self._modes and not _modes_in_place(self._modes, "function"):
            problems.append("the torch function mode was removed")
        if self._dispatch_modes and not _modes_in_place(self._dispatch_modes, "dispatch"):
            problems.append("the torch dispatch mode was removed")
        problems += [f"{name} was replaced" for name in _changed(self._before)]
        problems += [p for p in _pinned_problems() if p not in problems]
        # Reported before the guard is taken down: leaving a mode that is no longer on its stack
        # can raise, and the verdict must not depend on that.
        for p in problems:
            self.report(f"{self.task_id} must not tamper with the do-it-yourself checks ({p})")
        self._armed.allow = True
        try:
            self.guard.__exit__(None, None, None)
        finally:
            self._armed.allow = False
            for v in self.guard.violations:
                self.report(v)


def _modes_in_place(modes, stack_of: str) -> bool:
    """Whether every mode in ``modes`` is still on torch's mode stack of that kind
    ('function': TorchFunctionMode, 'dispatch': TorchDispatchMode)."""
    try:
        if stack_of == "function":
            from torch.overrides import _get_current_function_mode_stack as current
        else:
            from torch.utils._python_dispatch import _get_current_dispatch_mode_stack as current
        stack = current()
    except Exception:  # noqa: BLE001 - a torch without this helper: nothing to compare
        return True
    return all(any(m is s for s in stack) for m in modes)
