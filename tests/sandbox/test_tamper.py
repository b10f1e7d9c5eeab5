"""Which audited operations the worker's tamper watch blames on the submission (gradekit.sandbox.worker.tamper)."""

from __future__ import annotations

import importlib.util
import sys

import pytest

from gradekit.harness import importer as under_test
from gradekit.sandbox.worker import tamper

STUDENT = """
import sys

def direct():
    return sys._getframe(0)

def through(library):
    return library.work()

def importing(name):
    __import__(name)
    return sys.modules[name].FRAME
"""


@pytest.fixture
def student(tmp_path, monkeypatch):
    """A submission module (its file registered as the submission's) and a library folder on sys.path."""
    path = tmp_path / "sub" / "student.py"
    path.parent.mkdir()
    path.write_text(STUDENT)
    spec = importlib.util.spec_from_file_location("gk_tamper_student", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    monkeypatch.setattr(under_test.STATE, "files", {str(path)})
    lib = tmp_path / "lib"
    lib.mkdir()
    monkeypatch.syspath_prepend(str(lib))
    return module, lib


def library(name: str, module_name: str):
    """A library function whose frame stands for the frame of an audited operation it makes."""
    namespace = {"__name__": module_name, "sys": sys}
    exec(compile("def work():\n    return sys._getframe(0)\n", f"{name}.py", "exec"), namespace)
    return type(sys)(module_name), namespace["work"]


def test_the_submissions_own_operations_count(student):
    module, _ = student
    assert tamper.caused_by_submission("subprocess.Popen", module.direct())
    assert tamper.caused_by_submission("ctypes.dlopen", module.direct())


def test_a_library_called_by_the_submission_still_counts_for_processes(student):
    module, _ = student
    lib, work = library("helper", "helper")
    lib.work = work
    assert tamper.caused_by_submission("subprocess.Popen", module.through(lib))


def test_work_done_while_a_library_is_imported_does_not_count(student):
    module, lib = student
    (lib / "gk_fonts_at_import.py").write_text("import sys\nFRAME = sys._getframe(0)\n")
    frame = module.importing("gk_fonts_at_import")
    assert not tamper.caused_by_submission("subprocess.Popen", frame)


def test_a_library_loading_its_native_parts_does_not_count_but_the_submission_loading_one_does(student):
    module, _ = student
    torch_like, load = library("loader", "torchvision_like.extension")
    torch_like.work = load
    assert not tamper.caused_by_submission("ctypes.dlopen", module.through(torch_like))
    ctypes_like, dlopen = library("ctypes_init", "ctypes")
    ctypes_like.work = dlopen
    # ctypes' own frames are skipped: the submission's line is the caller of record
    assert tamper.caused_by_submission("ctypes.dlopen", module.through(ctypes_like))
    # other ctypes operations (reading or writing memory) count wherever they are made from
    assert tamper.caused_by_submission("ctypes.cdata", module.through(torch_like))


def test_nothing_counts_without_a_submission_frame(student):
    _, work = library("helper", "helper")
    assert not tamper.caused_by_submission("subprocess.Popen", work())


@pytest.mark.parametrize("kind", ["function", "dispatch"])
def test_a_torch_mode_taken_off_its_stack_is_reported(kind):
    """The guard's torch function mode and its ATen dispatch mode are looked for after the call."""
    import torch

    notes = []
    call = tamper.GuardedCall("q2.1", ("@convolution",), notes.append)
    call.__enter__()
    from torch.utils import _python_dispatch

    popped = torch._C._pop_torch_function_stack() if kind == "function" else _python_dispatch._pop_mode()
    try:
        call.__exit__(None, None, None)
    except Exception:  # noqa: BLE001 - the guard's own exit finds its mode gone as well
        pass
    assert popped is not None
    assert any(f"the torch {kind} mode was removed" in v for v in call.violations), call.violations
