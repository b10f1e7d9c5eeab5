"""gradekit.harness.native: the imports of a compiled library, read from its ELF dynamic symbols."""

from __future__ import annotations

import ctypes
import os
import shutil
import subprocess

import pytest

from gradekit.harness import native

# Mangled as g++ would mangle at::cpu::pow(), at::_ops::empty_like::call() and so on: a C file can
# import them by these names, so no torch header is needed to build a library that does.
IMPORTS = {
    "direct": "_ZN2at3cpu3powEv",
    "allowed": "_ZN2at4_ops10empty_like4callEv",
    "operator": "_ZN2at4_ops17pow_Tensor_Scalar4callEv",
    "redispatch": "_ZN2at4_ops10empty_like10redispatchEv",
    "keys": "_ZN3c104impl23ExcludeDispatchKeyGuardC1Ev",
    "dispatcher": "_ZN3c1010Dispatcher11realSingletonEv",
    "harmless": "_ZN3c106detail14torchCheckFailEv",
}


def _library(tmp_path, names: list[str], lookup: bool = False) -> str:
    """A shared library (built with the system's C compiler) that imports ``names`` and maybe dlsym."""
    cc = shutil.which("gcc") or shutil.which("cc")
    assert cc, "these tests build a small shared library: install a C compiler (Debian: apt-get install gcc)"
    lines = ["#include <dlfcn.h>"] + [f"extern void {n}(void);" for n in names]
    lines.append("void run(void) {" + "".join(f" {n}();" for n in names))
    lines.append(' dlsym(RTLD_DEFAULT, "x"); }' if lookup else " }")
    source = tmp_path / "lib.c"
    source.write_text("\n".join(lines) + "\n")
    out = tmp_path / "libstudent.so"
    subprocess.run([cc, "-shared", "-fPIC", "-o", str(out), str(source), "-ldl"], check=True)
    return str(out)


@pytest.fixture(scope="module")
def structs():
    return native.allowed_operator_structs(frozenset({"empty_like", "copy_"}))


def test_the_undefined_symbols_are_read_from_the_dynamic_table(tmp_path):
    path = _library(tmp_path, [IMPORTS["direct"], IMPORTS["allowed"]], lookup=True)
    found = set(native.undefined_symbols(path))
    assert {IMPORTS["direct"], IMPORTS["allowed"], "dlsym"} <= found, found
    assert "run" not in found  # defined here, not imported


def test_each_route_around_the_dispatcher_is_named_and_the_allowed_calls_are_not(structs):
    def named(key):
        return native.forbidden_imports([IMPORTS[key]], structs)

    assert named("direct") == ["at::cpu:: (an ATen kernel called directly)"]
    assert named("operator") == ["the ATen operator at::_ops::pow_Tensor_Scalar"]
    assert named("redispatch") == ["a redispatch of at::_ops::empty_like (below the dispatcher's watch)"]
    assert named("keys") == ["the thread's dispatch keys (c10::impl)"]
    assert named("dispatcher") == ["the dispatcher itself (c10::Dispatcher)"]
    assert native.forbidden_imports(["dlopen", "dl_iterate_phdr"], structs) == [
        "dl_iterate_phdr (a symbol looked up at run time)",
        "dlopen (a symbol looked up at run time)",
    ]
    assert named("allowed") == [] and named("harmless") == []
    assert {"copy_", "empty_like", "empty_like_out"} <= structs and "pow_Tensor_Scalar" not in structs


def test_a_file_that_is_not_a_library_cannot_pass_unread(tmp_path):
    text = tmp_path / "notes.so"
    text.write_text("not a library")
    with pytest.raises(native.UnreadableLibrary, match="not a 64-bit little-endian ELF"):
        native.undefined_symbols(str(text))
    cut = tmp_path / "cut.so"
    cut.write_bytes(open(_library(tmp_path, []), "rb").read()[:200])  # the header, no tables
    with pytest.raises(native.UnreadableLibrary, match="cannot be read"):
        native.undefined_symbols(str(cut))


def test_only_executable_mappings_from_outside_the_installation_are_listed(tmp_path):
    import torch

    inside = os.path.join(os.path.dirname(torch.__file__), "lib", "libtorch_cpu.so")
    maps = tmp_path / "maps"
    maps.write_text(
        f"7f0-7f1 r-xp 00000000 08:01 1 {inside}\n"
        f"7f1-7f2 r-xp 00000000 08:01 2 {tmp_path}/ext.so\n"
        f"7f2-7f3 rw-p 00000000 08:01 3 {tmp_path}/data.bin\n"
        "7f3-7f4 r-xp 00000000 00:00 0 [vdso]\n"
    )
    assert native.untrusted_libraries(str(maps)) == [f"{tmp_path}/ext.so"]


def test_a_library_loaded_after_the_last_check_is_a_violation(tmp_path):
    path = _library(tmp_path, [IMPORTS["direct"]])
    allowed = frozenset({"empty_like"})
    assert not [m for m in native.memory_only_violations("q10.2", allowed) if "libstudent.so" in m]
    loads = native.loads_so_far()
    ctypes.CDLL(path, mode=os.RTLD_LAZY)  # loaded as the extension builder would load it; never called
    assert native.loads_so_far() == loads + 1  # what tells the next check to list the libraries again
    found = [m for m in native.memory_only_violations("q10.2", allowed) if "libstudent.so" in m]
    assert len(found) == 1, found
    assert found[0].startswith("q10.2 must not use at::cpu:: (an ATen kernel called directly) from compiled code")
