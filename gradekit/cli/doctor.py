"""``gradekit doctor``: what this machine has for the course, and what to do about what it lacks."""

from __future__ import annotations

import importlib
import importlib.metadata
import platform
import shutil


def _version(dist: str) -> str | None:
    try:
        return importlib.metadata.version(dist)
    except importlib.metadata.PackageNotFoundError:
        return None


def _kernels() -> list[tuple[str, bool, str]]:
    try:
        ops = importlib.import_module("gradekit.ops")
        info = ops.build_info()
    except Exception as exc:  # noqa: BLE001 - doctor reports every failure instead of crashing
        return [("gradekit._C", False, f"cannot check: {type(exc).__name__}: {exc}")]
    rows = [
        (
            "gradekit._C",
            bool(info.get("built")),
            "built"
            if info.get("built")
            else f"not built ({info.get('error') or 'unknown'}): run `pip install --no-build-isolation -e .`",
        )
    ]
    if info.get("built"):
        rows.append(
            (
                "CUDA kernels",
                bool(info.get("cuda")),
                "compiled" if info.get("cuda") else "not compiled (CPU-only build; needs a CUDA toolkit at build time)",
            )
        )
        rows.append(
            (
                "direct calls",
                bool(info.get("direct_calls")),
                "gradekit._calls built: a plain call skips torch.ops' argument parsing"
                if info.get("direct_calls")
                else "gradekit._calls missing (calls go through torch.ops, slower on small inputs): "
                "run `pip install --no-build-isolation -e .`",
            )
        )
    return rows


def _gpu() -> tuple[str, bool, str]:
    try:
        import torch
    except ImportError:
        return ("GPU", False, "torch is not installed")
    if torch.cuda.is_available():
        return ("GPU", True, f"{torch.cuda.device_count()} visible: {torch.cuda.get_device_name(0)}")
    return ("GPU", False, "none visible (CPU kernels only; GPU tests skip)")


def _data() -> list[tuple[str, bool, str]]:
    try:
        data = importlib.import_module("gradekit.data")
        found = data.available()
    except Exception as exc:  # noqa: BLE001
        return [("offline data", False, f"cannot check: {type(exc).__name__}: {exc}")]
    rows = []
    for name, info in found.items():
        rows.append(
            (
                name,
                bool(info.get("present")),
                info.get("source", "") if info.get("present") else info.get("how", "missing"),
            )
        )
    return rows


def checks() -> list[tuple[str, bool, str]]:
    """(item, ok, detail) rows, in the order they are printed."""
    torch_v = _version("torch")
    rows = [
        ("python", True, platform.python_version()),
        ("torch", torch_v is not None, torch_v or "not installed: pip install -r requirements.txt"),
        ("torchvision", _version("torchvision") is not None, _version("torchvision") or "not installed"),
    ]
    rows += _kernels()
    rows.append(_gpu())
    rows += _data()
    nbg = _version("nbgrader")
    rows.append(("nbgrader", nbg is not None, nbg or "not installed (needed for `gradekit nbgrader`)"))
    bwrap = shutil.which("bwrap")
    rows.append(
        (
            "bubblewrap",
            bwrap is not None,
            bwrap or "not found: `gradekit grade` falls back to rlimits + unshare (apt-get install bubblewrap)",
        )
    )
    return rows


def main() -> int:
    rows = checks()
    width = max(len(name) for name, _, _ in rows)
    for name, ok, detail in rows:
        print(f"{'ok  ' if ok else 'no  '} {name.ljust(width)}  {detail}")
    essential = {"torch", "gradekit._C"}
    return 0 if all(ok for name, ok, _ in rows if name in essential) else 1
