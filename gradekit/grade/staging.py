"""Take from a submission only the files the course expects, and nothing that could run on its own.

A submission is a folder laid out like ``assignments/`` (``q1/conv.py`` ...), a repository root
containing one, or a .zip / .tar / .tar.gz / .tgz of either (a single top folder is fine). For each
question, the expected files are the module files of ``assignments/qN`` (stubs, not tests). Only
those are copied, as regular files, into a fresh staging folder; everything else (conftest.py,
pytest.ini, sitecustomize.py, .pth files, a numpy.py, tests, links, devices) is listed as ignored.
Archives are read member by member, never extracted as a whole: absolute names, ``..``, links and
special files are refused, and sizes and member counts are capped.
"""

from __future__ import annotations

import os
import stat
import tarfile
import zipfile
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from gradekit.course.questions import QUESTION_RE, question_folders
from gradekit.release.stubs import solution_files

MAX_MEMBERS = 20_000
MAX_MODULE_BYTES = 2 * 2**20  # one submitted .py file
MAX_LISTED = 200  # ignored files named in the report


class StagingError(ValueError):
    """The submission cannot be read at all (missing, not an archive we accept, over the limits)."""


@dataclass
class Staged:
    root: Path  # holds qN/<module>.py
    questions: list[str]  # questions with at least one expected file present
    copied: list[str] = field(default_factory=list)
    ignored: list[str] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)  # archive members or files that were unsafe
    ignored_count: int = 0


def expected_files(course_root: Path, questions: list[str] | None = None) -> dict[str, list[str]]:
    """{'q1': ['conv.py', ...]}: the module files of each question's assignments folder."""
    assignments = course_root / "assignments"
    wanted = questions or [q.name for q in question_folders(assignments)]
    out = {}
    for qid in wanted:
        if not QUESTION_RE.match(qid) or not (assignments / qid).is_dir():
            raise StagingError(f"the course has no question {qid!r}")
        out[qid] = [p.name for p in solution_files(assignments, qid)]
    return out


@dataclass
class _Entry:
    name: str  # posix path inside the submission
    regular: bool
    size: int
    read: object  # () -> bytes (at most MAX_MODULE_BYTES + 1)


def _safe_name(name: str) -> str | None:
    """The normalised member name, or None when it is absolute or climbs out with '..'."""
    if "\\" in name or name.startswith("/") or "\0" in name:
        return None
    parts = [p for p in PurePosixPath(name).parts if p not in ("", ".")]
    if not parts or ".." in parts:
        return None
    return "/".join(parts)


def _folder_entries(folder: Path) -> list[_Entry]:
    entries = []
    for dirpath, dirnames, filenames in os.walk(folder, followlinks=False):
        for name in filenames + [d for d in dirnames if os.path.islink(os.path.join(dirpath, d))]:
            path = os.path.join(dirpath, name)
            info = os.lstat(path)
            entries.append(
                _Entry(
                    os.path.relpath(path, folder).replace(os.sep, "/"),
                    stat.S_ISREG(info.st_mode),
                    info.st_size,
                    lambda p=path: _read_capped(open(p, "rb")),
                )
            )
            if len(entries) > MAX_MEMBERS:
                raise StagingError(f"the submission holds more than {MAX_MEMBERS} files")
    return entries


def _read_capped(fh) -> bytes:
    with fh:
        return fh.read(MAX_MODULE_BYTES + 1)


def _zip_entries(zf: zipfile.ZipFile) -> list[_Entry]:
    infos = zf.infolist()
    if len(infos) > MAX_MEMBERS:
        raise StagingError(f"the archive holds more than {MAX_MEMBERS} members")
    entries = []
    for info in infos:
        if info.is_dir():
            continue
        # Unix mode bits, when the zip was made on Unix: no file type means a plain file.
        regular = stat.S_IFMT(info.external_attr >> 16) in (0, stat.S_IFREG)
        entries.append(_Entry(info.filename, regular, info.file_size, lambda i=info: _read_capped(zf.open(i))))
    return entries


def _tar_entries(tf: tarfile.TarFile) -> list[_Entry]:
    entries = []
    for count, member in enumerate(tf):
        if count > MAX_MEMBERS:
            raise StagingError(f"the archive holds more than {MAX_MEMBERS} members")
        if member.isdir():
            continue
        entries.append(
            _Entry(member.name, member.isreg(), member.size, lambda m=member: _read_capped(tf.extractfile(m)))
        )
    return entries


def _base(names: list[str], expected: dict[str, list[str]]) -> str:
    """The prefix under which qN/<module>.py files sit ('' or 'assignments/' or 'top/assignments/' ...)."""
    wanted = {f"{q}/{f}" for q, files in expected.items() for f in files}
    scores: dict[str, int] = {}
    for name in names:
        for w in wanted:
            if name == w or name.endswith("/" + w):
                prefix = name[: len(name) - len(w)]
                if prefix.count("/") <= 3:
                    scores[prefix] = scores.get(prefix, 0) + 1
    if not scores:
        return ""
    return max(scores, key=lambda p: (scores[p], -len(p)))


def stage(submission: Path, course_root: Path, dest: Path, questions: list[str] | None = None) -> Staged:
    """Copy the expected files of ``submission`` into ``dest`` (a new folder) and list the rest."""
    submission = Path(submission)
    expected = expected_files(course_root, questions)
    if submission.is_dir():
        return _stage_entries(_folder_entries(submission), expected, dest)
    if not submission.is_file():
        raise StagingError(f"{submission}: no such file or folder")
    if zipfile.is_zipfile(submission):
        with zipfile.ZipFile(submission) as zf:
            return _stage_entries(_zip_entries(zf), expected, dest)
    try:
        with tarfile.open(submission, "r:*") as tf:
            return _stage_entries(_tar_entries(tf), expected, dest)
    except tarfile.TarError:
        raise StagingError(f"{submission.name}: not a folder, .zip or .tar(.gz) archive") from None


def _stage_entries(entries: list[_Entry], expected: dict[str, list[str]], dest: Path) -> Staged:
    dest.mkdir(parents=True, exist_ok=False)
    os.chmod(dest, 0o755)  # the worker may run as another uid
    staged = Staged(root=dest, questions=[])
    safe = []
    for e in entries:
        name = _safe_name(e.name)
        if name is None:
            staged.refused.append(f"{e.name[:200]} (absolute or '..' path)")
        else:
            e.name = name
            safe.append(e)
    base = _base([e.name for e in safe], expected)
    wanted = {f"{base}{q}/{f}": (q, f) for q, files in expected.items() for f in files}
    for e in safe:
        target = wanted.get(e.name)
        if target is None:
            staged.ignored_count += 1
            if len(staged.ignored) < MAX_LISTED:
                staged.ignored.append(e.name)
            continue
        if not e.regular:
            staged.refused.append(f"{e.name} (a link or special file, not a regular file)")
            continue
        data = e.read()
        if len(data) > MAX_MODULE_BYTES:
            staged.refused.append(f"{e.name} (larger than {MAX_MODULE_BYTES // 2**20} MiB)")
            continue
        q, f = target
        out = dest / q / f
        out.parent.mkdir(exist_ok=True)
        os.chmod(out.parent, 0o755)
        out.write_bytes(data)
        os.chmod(out, 0o644)
        staged.copied.append(f"{q}/{f}")
        if q not in staged.questions:
            staged.questions.append(q)
    staged.questions.sort(key=lambda q: int(q[1:]))
    return staged
