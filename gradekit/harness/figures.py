"""The figures a submission saved during a visible test, for report.html to show inline.

A figure task hands the student's code a path under the test's ``tmp_path`` to save its PNG to (in
grade mode the worker's files are written back over that path, see :mod:`gradekit.sandbox.paths`),
and the test only reads the file. So after a visible test has run, the PNG files in its
``tmp_path`` are what the submission drew. A hidden test's folder is never read: a figure drawn
from a hidden test's inputs would show them.

The images travel in the run's results.json (each task's ``extra_data.figures``, base64) because
that is how grade mode's pytest process hands its results to ``gradekit grade``; the results.json
``gradekit grade`` writes keeps each figure's name and size but not its bytes
(:func:`without_data`), so the file Gradescope and grade-all read stays small.
"""

from __future__ import annotations

import base64
import copy
import hashlib
import struct
from pathlib import Path

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
MAX_PER_TEST = 8  # a test that asks for more figures than this is not a figure task worth a page
MAX_BYTES = 2 * 2**20  # one figure; a bigger file is left out rather than bloating the page
MAX_SIDE = 20_000  # pixels: larger is a decompression bomb, not a plot


def png_size(data: bytes) -> tuple[int, int] | None:
    """(width, height) from a PNG's header, or None when ``data`` is not a plausible PNG."""
    if len(data) < 24 or not data.startswith(PNG_SIGNATURE) or data[12:16] != b"IHDR":
        return None
    width, height = struct.unpack(">II", data[16:24])
    if not (0 < width <= MAX_SIDE and 0 < height <= MAX_SIDE):
        return None
    return width, height


def collect(folder: Path, test: str) -> list[dict]:
    """The PNGs under ``folder`` (sorted by path, at most MAX_PER_TEST), each as the dict
    ``extra_data.figures`` holds: file (relative to the folder), test, width, height, png_base64."""
    found = []
    paths = sorted(p for p in Path(folder).rglob("*") if p.is_file() and not p.is_symlink())
    for path in paths:
        if len(found) == MAX_PER_TEST:
            break
        if path.stat().st_size > MAX_BYTES:
            continue
        with path.open("rb") as fh:  # the header first: a test's folder may hold large data files
            header = fh.read(24)
            size = png_size(header)
            if size is None:  # the submission's other files, or a "PNG" that is not one
                continue
            data = header + fh.read()
        found.append(
            {
                "file": path.relative_to(folder).as_posix(),
                "test": test,
                "width": size[0],
                "height": size[1],
                "png_base64": base64.b64encode(data).decode("ascii"),
            }
        )
    return found


def attach(results: dict, by_task: dict[str, list[dict]]) -> dict:
    """Put each task's figures into its results.json entry (``extra_data.figures``), the same
    image once even when two of the task's tests saved it."""
    for entry in results.get("tests", []):
        seen, kept = set(), []
        for figure in by_task.get(entry.get("number"), []):
            digest = hashlib.sha256(figure["png_base64"].encode()).hexdigest()
            if digest not in seen:
                seen.add(digest)
                kept.append(figure)
        if kept:
            entry.setdefault("extra_data", {})["figures"] = kept
    return results


def without_data(results: dict) -> dict:
    """A copy of ``results`` whose figures keep their names and sizes but not their bytes."""
    out = copy.deepcopy(results)
    for entry in out.get("tests", []):
        for figure in (entry.get("extra_data") or {}).get("figures", []):
            figure.pop("png_base64", None)
    return out
