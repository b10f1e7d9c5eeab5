"""The solution-marker grammar of solution files, parsed in one place.

Solution files mark two kinds of blocks with nbgrader's comments, each on a line of its own::

    ### BEGIN SOLUTION        the code the student writes; it sits inside a function or method
    ### END SOLUTION
    ### BEGIN HIDDEN TESTS    lines no student-facing copy keeps
    ### END HIDDEN TESTS

Stubs (gradekit.release.stubs), notebook cells (gradekit.nbgrader.cells) and the release's leak
check (gradekit.release.repo) all read solution files through ``parse``, so the three agree on
what a block is and reject the same mistakes with the same file:line messages. Blocks do not
nest; a hidden-tests block is opaque (whatever it holds is dropped with it).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from gradekit.course.questions import Question

SOLUTION = "solution"
HIDDEN = "hidden"

BEGIN = re.compile(r"^(\s*)### BEGIN SOLUTION\s*$")
END = re.compile(r"^\s*### END SOLUTION\s*$")
BEGIN_HIDDEN = re.compile(r"^(\s*)### BEGIN HIDDEN TESTS\s*$")
END_HIDDEN = re.compile(r"^\s*### END HIDDEN TESTS\s*$")
DEF = re.compile(r"^(\s*)(?:async\s+)?(def|class)\s+([A-Za-z_]\w*)")

_OPENERS = {SOLUTION: (BEGIN, END, "SOLUTION"), HIDDEN: (BEGIN_HIDDEN, END_HIDDEN, "HIDDEN TESTS")}


class MarkerError(ValueError):
    """Markers that do not form blocks, or a block in the wrong place; the message gives file:line."""


@dataclass(frozen=True)
class Block:
    """One marked block: ``begin`` and ``end`` are the 0-based indexes of its two marker lines."""

    kind: str  # SOLUTION or HIDDEN
    begin: int
    end: int
    indent: str  # the BEGIN line's indentation

    def body(self, lines: list[str]) -> list[str]:
        """The lines between the two markers."""
        return lines[self.begin + 1 : self.end]


def parse(source: str | list[str], filename: str) -> list[Block]:
    """Every block of a solution file (its text, or its lines), in order."""
    lines = source.splitlines(keepends=True) if isinstance(source, str) else source
    blocks: list[Block] = []
    i = 0
    while i < len(lines):
        opened = _opening(lines[i])
        if opened is None:
            for _, end, words in _OPENERS.values():
                if end.match(lines[i]):
                    raise MarkerError(f"{filename}:{i + 1}: END {words} without BEGIN {words}")
            i += 1
            continue
        kind, indent = opened
        _, end, words = _OPENERS[kind]
        j = i + 1
        while j < len(lines) and not end.match(lines[j]):
            inner = _opening(lines[j]) if kind == SOLUTION else None
            if inner is not None:
                raise MarkerError(f"{filename}:{j + 1}: BEGIN {_OPENERS[inner[0]][2]} inside a solution block")
            j += 1
        if j == len(lines):
            raise MarkerError(f"{filename}:{i + 1}: BEGIN {words} without END {words}")
        blocks.append(Block(kind, i, j, indent))
        i = j + 1
    return blocks


def _opening(line: str) -> tuple[str, str] | None:
    """(kind, indentation) when ``line`` opens a block."""
    for kind, (begin, _, _) in _OPENERS.items():
        m = begin.match(line)
        if m:
            return kind, m.group(1)
    return None


def solution_blocks(source: str | list[str], filename: str) -> list[Block]:
    return [b for b in parse(source, filename) if b.kind == SOLUTION]


def drop_hidden(source: str, filename: str) -> str:
    """``source`` without its hidden-tests blocks (markers included)."""
    lines = source.splitlines(keepends=True)
    dropped = {i for b in parse(lines, filename) if b.kind == HIDDEN for i in range(b.begin, b.end + 1)}
    return "".join(line for i, line in enumerate(lines) if i not in dropped)


def enclosing_names(lines: list[str], index: int, indent: int) -> list[str]:
    """Names of the defs/classes enclosing line ``index`` (outermost first)."""
    names: list[str] = []
    limit = indent
    for line in reversed(lines[:index]):
        m = DEF.match(line)
        if m and len(m.group(1)) < limit:
            names.insert(0, m.group(3))
            limit = len(m.group(1))
            if limit == 0:
                break
    return names


def task_for_names(question: Question, names: list[str]) -> str | None:
    """The task whose functions list names this block's function, method ('Cls.meth') or class."""
    candidates = []
    if names:
        candidates += [".".join(names[i:]) for i in range(len(names))]  # 'Net.forward', then 'forward'
        candidates += [".".join(names[: i + 1]) for i in range(len(names) - 1)]  # the class 'Net'
    for name in candidates:
        task = question.task_for_function(name)
        if task is not None:
            return task.id
    return None


def block_owner(lines: list[str], block: Block, question: Question, filename: str) -> tuple[str, list[str]]:
    """(task id, enclosing names) of a solution block: the task whose ``functions`` list names the
    function or method it sits in."""
    names = enclosing_names(lines, block.begin, len(block.indent))
    if not names or not block.indent:
        raise MarkerError(f"{filename}:{block.begin + 1}: a solution block must sit inside a function or method")
    task_id = task_for_names(question, names)
    if task_id is None:
        raise MarkerError(
            f"{filename}:{block.begin + 1}: `{'.'.join(names)}` is in no task's `functions` list in "
            f"assignments/{question.id}/tasks.toml"
        )
    return task_id, names
