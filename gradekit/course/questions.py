"""Questions and their task tables (``assignments/qN/tasks.toml``).

A task table is the one place a question's tasks, titles and points are written; the
README's table, the scoreboard, the reports and the nbgrader cells all read it.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

QUESTION_RE = re.compile(r"^q\d+$")
TASK_RE = re.compile(r"^(q\d+)\.(\d+)$")
WRITTEN_RE = re.compile(r"^(q\d+)\.w(\d+)$")
QUESTION_TOTAL = 100


class TaskTableError(ValueError):
    """A tasks.toml that cannot be used; the message names the file and the problem."""


@dataclass(frozen=True)
class Speed:
    """A speed target: full points when reference_time / submission_time >= target.

    Below the target the points fall off linearly in log(ratio) and reach 0 at ``floor``.
    """

    target: float
    floor: float
    reference: str = "the reference kernel"

    def fraction(self, ratio: float) -> float:
        import math

        if ratio >= self.target:
            return 1.0
        if ratio <= self.floor:
            return 0.0
        return math.log(ratio / self.floor) / math.log(self.target / self.floor)


@dataclass(frozen=True)
class Task:
    id: str
    title: str
    points: float
    functions: tuple[str, ...] = ()
    forbid: tuple[str, ...] = ()
    speed: Speed | None = None
    timeout: float | None = None
    extra_credit: bool = False
    no_hidden_tests: str = ""  # why this task has visible tests only (gradekit check asks for a reason)
    # Scored on data its code must not know (held-out digits): in grade mode its worker runs in a
    # sandbox of its own in which the course's datasets (gradekit.data.files.dataset_paths) are hidden.
    hide_datasets: bool = False

    @property
    def question(self) -> str:
        return self.id.split(".")[0]

    @property
    def number(self) -> int:
        return int(self.id.split(".")[1])


@dataclass(frozen=True)
class Written:
    """A prompt graded by hand (nbgrader), listed beside the auto-graded tasks."""

    id: str
    title: str
    points: float
    prompt: str


@dataclass(frozen=True)
class Question:
    id: str
    title: str
    path: Path
    tasks: tuple[Task, ...]
    written: tuple[Written, ...] = ()
    seeds: tuple[str, ...] = ()
    extra_credit: bool = False
    timeout: float | None = None
    modules: tuple[str, ...] = field(default=())
    needs_gpu: bool = False  # its tests need CUDA: on a cluster it goes to workers with a GPU resource

    @property
    def points(self) -> float:
        return sum(t.points for t in self.tasks)

    def task(self, task_id: str) -> Task:
        for t in self.tasks:
            if t.id == task_id:
                return t
        known = ", ".join(t.id for t in self.tasks)
        raise KeyError(f"{self.id} has no task {task_id!r} (its tasks: {known})")

    def task_for_function(self, name: str) -> Task | None:
        for t in self.tasks:
            if name in t.functions:
                return t
        return None


def _require(cond: bool, path: Path, msg: str) -> None:
    if not cond:
        raise TaskTableError(f"{path}: {msg}")


def _parse_speed(raw: dict, path: Path, tid: str) -> Speed:
    _require(isinstance(raw, dict) and "target" in raw, path, f"{tid}: speed needs a table with 'target'")
    target = float(raw["target"])
    floor = float(raw.get("floor", target / 8))
    _require(0 < floor < target, path, f"{tid}: speed floor must be in (0, target), got floor={floor}, target={target}")
    return Speed(target=target, floor=floor, reference=str(raw.get("reference", "the reference kernel")))


def parse_task_table(path: Path) -> Question:
    """Read and validate one tasks.toml."""
    path = Path(path)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise TaskTableError(f"{path}: not valid TOML: {exc}") from None
    qid = data.get("question", path.parent.name)
    _require(bool(QUESTION_RE.match(str(qid))), path, f"question id must look like q3, got {qid!r}")
    _require(qid == path.parent.name, path, f"question id {qid!r} does not match its folder {path.parent.name!r}")
    extra = bool(data.get("extra_credit", False))

    tasks = []
    for raw in data.get("task", []):
        tid = str(raw.get("id", ""))
        m = TASK_RE.match(tid)
        _require(m is not None and m.group(1) == qid, path, f"task id must look like {qid}.1, got {tid!r}")
        _require("title" in raw and "points" in raw, path, f"{tid}: needs a title and points")
        points = float(raw["points"])
        _require(points > 0, path, f"{tid}: points must be positive, got {points}")
        tasks.append(
            Task(
                id=tid,
                title=str(raw["title"]),
                points=points,
                functions=tuple(raw.get("functions", ())),
                forbid=tuple(raw.get("forbid", ())),
                speed=_parse_speed(raw["speed"], path, tid) if "speed" in raw else None,
                timeout=float(raw["timeout"]) if "timeout" in raw else None,
                extra_credit=extra,
                no_hidden_tests=str(raw.get("no_hidden_tests", "")),
                hide_datasets=_flag(path, raw, "hide_datasets", tid),
            )
        )
    _require(bool(tasks), path, "no [[task]] entries")
    ids = [t.id for t in tasks]
    _require(len(ids) == len(set(ids)), path, f"task ids repeat: {ids}")
    total = sum(t.points for t in tasks)
    _require(
        abs(total - QUESTION_TOTAL) < 1e-9,
        path,
        f"auto-graded tasks must total {QUESTION_TOTAL} points, they total {total:g}",
    )

    written = []
    for raw in data.get("written", []):
        wid = str(raw.get("id", ""))
        m = WRITTEN_RE.match(wid)
        _require(m is not None and m.group(1) == qid, path, f"written prompt id must look like {qid}.w1, got {wid!r}")
        _require("points" in raw and "prompt" in raw, path, f"{wid}: needs points and a prompt")
        written.append(
            Written(
                id=wid, title=str(raw.get("title", wid)), points=float(raw["points"]), prompt=str(raw["prompt"]).strip()
            )
        )

    return Question(
        id=qid,
        title=str(data.get("title", qid)),
        path=path.parent,
        tasks=tuple(tasks),
        written=tuple(written),
        seeds=tuple(data.get("seeds", ())),
        extra_credit=extra,
        timeout=float(data["timeout"]) if "timeout" in data else None,
        modules=tuple(data.get("modules", ())),
        needs_gpu=_flag(path, data, "needs_gpu"),
    )


def _flag(path: Path, table: dict, key: str, where: str = "") -> bool:
    """A true/false entry of a table, false when absent; anything else is a TaskTableError."""
    value = table.get(key, False)
    _require(
        isinstance(value, bool), path, f"{where + ': ' if where else ''}{key} must be true or false, got {value!r}"
    )
    return value


@lru_cache(maxsize=None)
def load_question(folder: str | Path) -> Question:
    """The question whose tasks.toml is in ``folder`` (cached: tables do not change during a run)."""
    path = Path(folder) / "tasks.toml"
    if not path.is_file():
        raise TaskTableError(f"{path}: missing (every question folder needs a tasks.toml)")
    return parse_task_table(path)


def question_folders(assignments: Path) -> list[Path]:
    """The qN folders of an assignments tree, in numeric order."""
    found = [p for p in Path(assignments).iterdir() if p.is_dir() and QUESTION_RE.match(p.name)]
    return sorted(found, key=lambda p: int(p.name[1:]))


def question_id_of(task_id: str) -> str:
    m = TASK_RE.match(task_id)
    if not m:
        raise ValueError(f"a task id looks like q3.2, got {task_id!r}")
    return m.group(1)
