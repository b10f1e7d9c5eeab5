"""How a test run imports student code in its own process (``pytest assignments/qN``).

``gradekit.submission("q1.conv")`` asks the active backend (gradekit.harness.backend); in a local
run that is a :class:`LazyModule` from here, which imports ``<folder under test>/q1/conv.py`` on first use, so a missing file, a missing
function or an exception at import becomes a failure of the tests that need it (with a message
naming the missing piece), not a collection error that takes the whole run down.
Results of submission functions are returned as plain numpy arrays and tensors: a subclass that
fakes equality never reaches the comparison.
"""

from __future__ import annotations

import functools
import importlib.util
import sys
import traceback
import types
from pathlib import Path

from gradekit.course import locate


class SubmissionError(Exception):
    """A problem with the submitted code itself (missing, does not import)."""

    kind = "error"


class MissingModuleError(SubmissionError):
    kind = "missing"


class MissingNameError(SubmissionError, AttributeError):
    kind = "missing"


class SubmissionImportError(SubmissionError):
    kind = "import-error"


class _State:
    """Process-wide: which folder is under test, and the modules loaded from it."""

    def __init__(self) -> None:
        self.under_test: Path | None = None
        self.modules: dict[tuple[Path, str], types.ModuleType | SubmissionError] = {}
        self.files: set[str] = set()  # absolute paths of loaded submission files (the guard reads it)
        self.packages: dict[Path, str] = {}
        self.course_root: Path | None = None  # where solutions/ lives, for reference()

    def current_under_test(self) -> Path:
        if self.under_test is None:
            self.under_test = locate.default_under_test()
        return self.under_test


STATE = _State()


def new_state() -> _State:
    """A fresh, empty state (for a test that must not see or leave modules in ``STATE``)."""
    return _State()


def set_under_test(folder: Path | None, course_root: Path | None = None) -> None:
    """Point :func:`submission` at another folder (the plugin does this from ``--against``)."""
    STATE.under_test = Path(folder).resolve() if folder is not None else None
    STATE.course_root = Path(course_root).resolve() if course_root is not None else None


def current_under_test() -> Path:
    return STATE.current_under_test()


def submission_files() -> set[str]:
    return STATE.files


def split_name(name: str) -> tuple[str, str]:
    """("q1", "conv") for "q1.conv"; ValueError for anything not named like a submission module."""
    parts = name.split(".")
    if len(parts) != 2 or not parts[0].startswith("q") or not parts[1].isidentifier():
        raise ValueError(f"a submission module is named like 'q1.conv', got {name!r}")
    return parts[0], parts[1]


def _package_for(folder: Path, question: str) -> str:
    """A synthetic package per folder and question, so ``from . import helpers`` works in student code
    and two folders (solutions and a submission) never share module objects."""
    prefix = STATE.packages.setdefault(folder, f"_gradekit_under_test{len(STATE.packages)}")
    if prefix not in sys.modules:
        root = types.ModuleType(prefix)
        root.__path__ = []  # namespace-like: only the question sub-packages below are importable
        sys.modules[prefix] = root
    pkg_name = f"{prefix}.{question}"
    if pkg_name not in sys.modules:
        pkg = types.ModuleType(pkg_name)
        pkg.__path__ = [str(folder / question)]
        pkg.__package__ = pkg_name
        sys.modules[pkg_name] = pkg
    return pkg_name


def _where(exc: BaseException, path: Path) -> str:
    """' (conv.py, line 12)' for the deepest frame of the student's file, if any."""
    frames = [f for f in traceback.extract_tb(exc.__traceback__) if Path(f.filename) == path]
    return f" ({path.name}, line {frames[-1].lineno})" if frames else ""


def load_module(name: str, folder: Path | None = None) -> types.ModuleType:
    """Import ``<folder>/qN/<module>.py`` once; failures are cached and raised again on every use."""
    question, module = split_name(name)
    folder = Path(folder).resolve() if folder is not None else current_under_test()
    key = (folder, name)
    cached = STATE.modules.get(key)
    if isinstance(cached, SubmissionError):
        raise cached
    if cached is not None:
        return cached
    path = folder / question / f"{module}.py"
    rel = f"{question}/{module}.py"
    if not path.is_file():
        err: SubmissionError = MissingModuleError(f"{rel} is missing from the submission ({folder})")
        STATE.modules[key] = err
        raise err
    full_name = f"{_package_for(folder, question)}.{module}"
    spec = importlib.util.spec_from_file_location(full_name, path)
    mod = importlib.util.module_from_spec(spec)
    sys.modules[full_name] = mod
    if folder == STATE.under_test:  # reference modules loaded by hidden tests are not under test
        if not isinstance(STATE.files, frozenset):  # a grading worker lists them all before any import
            STATE.files.add(str(path))
    try:
        spec.loader.exec_module(mod)
    except BaseException as exc:  # noqa: BLE001 - any failure at import costs the question, shown plainly
        if isinstance(exc, KeyboardInterrupt):
            raise
        sys.modules.pop(full_name, None)
        detail = f"{type(exc).__name__}: {exc}".strip()
        err = SubmissionImportError(f"importing {rel} failed: {detail}{_where(exc, path)}")
        err.__cause__ = exc
        STATE.modules[key] = err
        raise err from exc
    STATE.modules[key] = mod
    return mod


_BESIDE: dict[Path, types.ModuleType] = {}


def load_beside(test_file: str, name: str) -> types.ModuleType:
    """The module ``<name>.py`` in the folder of ``test_file``, loaded once per process.

    For the references that hidden tests share (solutions/qN/hidden/references.py): they are the
    answer to a task, so they sit beside the hidden tests, which never ship, rather than in
    gradekit.checks. Tests are imported with --import-mode=importlib, which puts no test folder on
    sys.path, so such a module cannot be imported by name.
    """
    path = Path(test_file).resolve().with_name(f"{name}.py")
    if path not in _BESIDE:
        spec = importlib.util.spec_from_file_location(f"_gradekit_beside_{len(_BESIDE)}_{name}", path)
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        _BESIDE[path] = module
    return _BESIDE[path]


def plain(value):
    """Strip subclasses from arrays and tensors (recursively through tuples, lists and dicts)."""
    np = sys.modules.get("numpy")
    torch = sys.modules.get("torch")
    if np is not None and isinstance(value, np.ndarray) and type(value) is not np.ndarray:
        return value.view(np.ndarray)
    if torch is not None and isinstance(value, torch.Tensor) and type(value) is not torch.Tensor:
        if isinstance(value, torch.nn.Parameter):
            return value
        return value.as_subclass(torch.Tensor)
    if type(value) is tuple:
        return tuple(plain(v) for v in value)
    if type(value) is list:
        return [plain(v) for v in value]
    if type(value) is dict:
        return {k: plain(v) for k, v in value.items()}
    return value


class LazyModule:
    """A lazily imported student module; attribute access imports it and finds the name."""

    def __init__(self, name: str, folder: Path | None = None):
        split_name(name)
        self._name = name
        self._folder = folder

    def __repr__(self) -> str:
        return f"<submission {self._name}>"

    @property
    def module(self) -> types.ModuleType:
        return load_module(self._name, self._folder)

    def has(self, attr: str) -> bool:
        return hasattr(self.module, attr)

    def __getattr__(self, attr: str):
        if attr.startswith("__"):
            raise AttributeError(attr)
        __tracebackhide__ = True
        mod = self.module
        try:
            value = getattr(mod, attr)
        except AttributeError:
            question, module = split_name(self._name)
            raise MissingNameError(f"{question}/{module}.py has no `{attr}`") from None
        if isinstance(value, types.FunctionType):
            return _plain_results(value)
        return value


def _plain_results(fn):
    @functools.wraps(fn)
    def call(*args, **kwargs):
        __tracebackhide__ = True
        return plain(fn(*args, **kwargs))

    call.__gradekit_submission__ = True
    return call


def reference(name: str) -> LazyModule:
    """The reference solution's module, for hidden tests on the instructor's side only."""
    root = STATE.course_root or locate.find_course_root()
    sol = root / "solutions"
    if not sol.is_dir():
        raise MissingModuleError(
            f"reference {name}: there is no solutions/ folder in {root} (hidden tests need the instructor's repository)"
        )
    return LazyModule(name, folder=sol.resolve())
