"""Take from a submission only the files the course expects, and nothing that could run on its own.

A submission is a folder laid out like ``assignments/`` (``q1/conv.py`` ...), a repository root
containing one, or a .zip / .tar / .tar.gz / .tgz of either (a single top folder is fine). Module
files uploaded loose (``conv.py`` at the top) go to the one question asked for that has them. For each
question, the expected files are the module files of ``assignments/qN`` (stubs, not tests). Only
those are copied, as regular files, into a fresh staging folder; everything else (conftest.py,
pytest.ini, sitecustomize.py, .pth files, a numpy.py, tests, links, devices) is listed as ignored.
Archives are read member by member, never extracted as a whole: absolute names, ``..``, links and
special files are refused, and sizes and member counts are capped.
"""

from __future__ import annotations

import bz2
import contextlib
import gzip
import io
import lzma
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
MAX_DEPTH = 32  # folders within folders; a course's own layout needs three or four
# All an archive may expand to while it is read: a small compressed file can hold gigabytes, and
# reading them is the time of the whole class's grading.
MAX_ARCHIVE_BYTES = 256 * 2**20


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
    notebooks: list[str] = field(default_factory=list)  # .ipynb files: graded through nbgrader, not here


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


def safe_upload_name(name: str) -> str:
    """A submission's file name as sent by another machine, reduced to a plain name."""
    base = PurePosixPath(str(name).replace("\\", "/")).name.replace("\0", "_")
    return base if base not in ("", ".", "..") else "submission"


def scan_folder(folder: Path) -> list[tuple[str, os.stat_result]]:
    """(relative name, lstat) of every file, link and special file under ``folder``, sorted.

    Iterative and without following links, so that neither a link to /proc nor a deep chain of
    folders can make it recurse, loop or read what is not the submission's; at most MAX_MEMBERS
    entries, MAX_DEPTH folders deep.
    """
    found: list[tuple[str, os.stat_result]] = []
    stack = [(Path(folder), 0)]
    while stack:
        current, depth = stack.pop()
        if depth > MAX_DEPTH:
            raise StagingError(f"the submission's folders nest more than {MAX_DEPTH} deep")
        with os.scandir(current) as it:
            for entry in it:
                info = entry.stat(follow_symlinks=False)
                if stat.S_ISDIR(info.st_mode):
                    stack.append((Path(entry.path), depth + 1))
                    continue
                found.append((os.path.relpath(entry.path, folder).replace(os.sep, "/"), info))
                if len(found) > MAX_MEMBERS:
                    raise StagingError(f"the submission holds more than {MAX_MEMBERS} files")
    return sorted(found, key=lambda f: f[0])


def _folder_entries(folder: Path) -> list[_Entry]:
    return [
        _Entry(rel, stat.S_ISREG(info.st_mode), info.st_size, lambda p=folder / rel: _read_capped(open(p, "rb")))
        for rel, info in scan_folder(folder)
    ]


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
        with _decompressed(submission) as raw, tarfile.open(fileobj=raw, mode="r:") as tf:
            return _stage_entries(_tar_entries(tf), expected, dest)
    except (tarfile.TarError, EOFError, OSError, lzma.LZMAError):
        raise StagingError(f"{submission.name}: not a folder, .zip or .tar(.gz) archive") from None


class _CappedReader(io.RawIOBase):
    """A decompressed stream that refuses to give more than MAX_ARCHIVE_BYTES in all (seeks back
    included: reading the same bytes again costs the same time)."""

    def __init__(self, inner, name: str):
        self.inner, self.name, self.given = inner, name, 0

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def seek(self, offset, whence=io.SEEK_SET):
        # Seeking in a compressed stream decompresses up to the target (from the start, backwards).
        # The cost is counted before the seek: a seek far ahead would otherwise decompress it all first.
        here = self.inner.tell()
        if whence == io.SEEK_SET:
            target = offset
        elif whence == io.SEEK_CUR:
            target = here + offset
        else:
            raise StagingError(f"{self.name}: an archive is read from its start, not its end")
        self._spend(target - here if target >= here else target)
        return self.inner.seek(target)

    def _spend(self, count: int) -> None:
        self.given += count
        if self.given > MAX_ARCHIVE_BYTES:
            raise StagingError(
                f"{self.name} expands to more than {MAX_ARCHIVE_BYTES // 2**20} MiB: submit the module files alone"
            )

    def tell(self):
        return self.inner.tell()

    def readinto(self, buffer) -> int:
        data = self.inner.read(len(buffer))
        self._spend(len(data))
        buffer[: len(data)] = data
        return len(data)

    def close(self):
        self.inner.close()
        super().close()


@contextlib.contextmanager
def _decompressed(path: Path):
    """The archive's tar stream, decompressed as it is read (gzip, bzip2, xz or none), capped."""
    with open(path, "rb") as fh:
        magic = fh.read(6)
    if magic.startswith(b"\x1f\x8b"):
        inner = gzip.open(path, "rb")
    elif magic.startswith(b"BZh"):
        inner = bz2.open(path, "rb")
    elif magic.startswith(b"\xfd7zXZ"):
        inner = lzma.open(path, "rb")
    else:
        inner = open(path, "rb")
    reader = _CappedReader(inner, path.name)
    try:
        yield io.BufferedReader(reader)
    finally:
        reader.close()


def _loose_target(name: str, expected: dict[str, list[str]], present: set, staged: Staged) -> tuple[str, str] | None:
    """The question of a module file uploaded loose (``conv.py`` at the top, as Gradescope's file
    upload gives it): the one question asked for that has a module of that name, unless the same
    file also came in its folder. A name several questions share is reported, not guessed."""
    if "/" in name:
        return None
    owners = [(q, name) for q, files in expected.items() if name in files]
    if len(owners) > 1:
        staged.refused.append(
            f"{name} (a module of {', '.join(q for q, _ in owners)}: put it in its question's folder, e.g. "
            f"{owners[0][0]}/{name})"
        )
        return None
    if owners and owners[0] not in present:
        return owners[0]
    return None


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
    present = {wanted[e.name] for e in safe if e.name in wanted}
    for e in safe:
        target = wanted.get(e.name) or _loose_target(e.name, expected, present, staged)
        if target is None:
            if e.name.endswith(".ipynb") and len(staged.notebooks) < MAX_LISTED:
                staged.notebooks.append(e.name)
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
