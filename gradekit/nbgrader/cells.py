"""Split a question's solution modules into notebook cells, and decide where each task's tests go.

A module becomes a run of cells: one "given" cell with the code the student does not write
(imports, helpers), then "solution" cells with the top-level functions and classes that contain
``### BEGIN SOLUTION`` blocks, one cell per task, so that a deleted or broken cell costs only the
points of the task whose code it holds.

A task's test cell must come after every module its tests import is complete, or the tests would
run on half a module when the notebook runs top to bottom. Modules are ordered so that those
imported with ``from . import x`` come first, and the tests of a task go after the last module it
needs.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass
from pathlib import Path

# The one marker parser, as the stubs use it: a notebook cell and a stub agree on every block's task.
from gradekit.course import markers
from gradekit.course.questions import Question
from gradekit.release.stubs import StubError, solution_files

SUBMISSION_RE = re.compile(r"""submission\(\s*["'](q\d+)\.(\w+)["']""")
TASK_MARK_RE = re.compile(r"""task\(\s*["'](q\d+\.\d+)["']""")


@dataclass(frozen=True)
class Chunk:
    """Consecutive top-level statements of one module that become one code cell."""

    module: str
    index: int  # 1, 2, ... in module order; the cell saves itself as my_code/<module>.part<index>.py
    text: str
    tasks: tuple[str, ...]  # tasks whose solution blocks it holds; () for given code
    names: tuple[str, ...]  # the functions and classes it defines

    @property
    def is_solution(self) -> bool:
        return bool(self.tasks)


@dataclass(frozen=True)
class Module:
    name: str
    chunks: tuple[Chunk, ...]
    imports: frozenset[str]  # sibling modules it imports with `from . import ...`

    @property
    def tasks(self) -> list[str]:
        return sorted({t for c in self.chunks for t in c.tasks}, key=task_order)


def task_order(task_id: str) -> int:
    return int(task_id.split(".")[1])


def _node_tasks(
    lines: list[str], blocks: list[markers.Block], first: int, last: int, question: Question, filename: str
) -> set[str]:
    """Tasks of the solution blocks on lines first..last (1-based, inclusive)."""
    return {
        markers.block_owner(lines, block, question, filename)[0] for block in blocks if first - 1 <= block.begin < last
    }


def _sibling_imports(tree: ast.Module) -> set[str]:
    found = set()
    for node in tree.body:
        if isinstance(node, ast.ImportFrom) and node.level == 1:
            if node.module:
                found.add(node.module.split(".")[0])
            else:
                found.update(alias.name for alias in node.names)
    return found


def _trailing_comments_end(lines: list[str], last: int) -> int:
    """Extend a statement ending on line ``last`` over the indented comments after it.

    Python's AST ends a function at its last statement, but its ``### END SOLUTION`` line (an
    indented comment) still belongs to it.
    """
    j = last  # 0-based index of the line after the statement
    while j < len(lines):
        k = j
        while k < len(lines) and not lines[k].strip():
            k += 1
        if k < len(lines) and lines[k][:1] in (" ", "\t") and lines[k].lstrip().startswith("#"):
            j = k + 1
        else:
            break
    return j


def _import_time_names(node: ast.AST) -> set[str]:
    """Names a statement reads when the module is imported (function bodies run later)."""
    names: set[str] = set()

    def visit(n: ast.AST) -> None:
        if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
            defaults = n.args.defaults + [d for d in n.args.kw_defaults if d is not None]
            for d in getattr(n, "decorator_list", []) + defaults:
                visit(d)
            return
        if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load):
            names.add(n.id)
        for child in ast.iter_child_nodes(n):
            visit(child)

    visit(node)
    return names


def _defined_names(node: ast.AST) -> list[str]:
    return [node.name] if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)) else []


def split_module(source: str, name: str, question: Question, filename: str) -> Module:
    """One solution module as chunks: all its given code first, then its solution definitions per task.

    Given code that follows a solution definition moves up with the rest of the given code: a
    task's test cell then directly follows the module's last solution cell, which is where nbgrader
    puts a deleted test cell back (after the solution or test cell before it), so a restored test
    still runs on the whole module.
    """
    source = markers.drop_hidden(source, filename)
    tree = ast.parse(source, filename)
    lines = source.splitlines(keepends=True)
    blocks = markers.solution_blocks(lines, filename)
    given: tuple[list[str], list[str]] = ([], [])  # names, texts
    solutions: list[tuple[tuple[str, ...], list[str], list[str]]] = []  # (tasks, names, texts)
    solution_names: set[str] = set()
    start, texts = 1, given[1]  # comments and blank lines above a statement belong to it
    for node in tree.body:
        last = _trailing_comments_end(lines, node.end_lineno)
        first = min([node.lineno] + [d.lineno for d in getattr(node, "decorator_list", [])])
        tasks = tuple(sorted(_node_tasks(lines, blocks, first, last, question, filename), key=task_order))
        if tasks:
            if not solutions or solutions[-1][0] != tasks:
                solutions.append((tasks, [], []))
            names, texts = solutions[-1][1], solutions[-1][2]
            solution_names.update(_defined_names(node))
        else:
            early = _import_time_names(node) & solution_names
            if early:
                raise StubError(
                    f"{filename}:{node.lineno}: given code uses {', '.join(sorted(early))} when the "
                    "module is imported; the notebook runs all given code before the solution "
                    "cells, so move this code above the solutions"
                )
            names, texts = given
        names.extend(_defined_names(node))
        texts.append("".join(lines[start - 1 : last]))
        start = last + 1
    texts.append("".join(lines[start - 1 :]))  # what follows the last statement stays with it
    groups = ([((), *given)] if any(t.strip() for t in given[1]) else []) + solutions
    # Each text starts with the blank lines that separated it from the statement above it.
    chunks = tuple(
        Chunk(name, i, "".join(group_texts).strip("\n"), tasks, tuple(names))
        for i, (tasks, names, group_texts) in enumerate(groups, 1)
    )
    return Module(name, chunks, frozenset(_sibling_imports(tree)))


def load_modules(course_root: Path, question: Question) -> list[Module]:
    """The question's solution modules, split into chunks, in the order the notebook shows them."""
    modules = []
    for path in solution_files(Path(course_root) / "solutions", question.id):
        rel = f"solutions/{question.id}/{path.name}"
        modules.append(split_module(path.read_text(encoding="utf-8"), path.stem, question, rel))
    return order_modules(modules)


def order_modules(modules: list[Module]) -> list[Module]:
    """Imported siblings before their importers; otherwise by their first task (given-only modules first)."""
    by_name = {m.name: m for m in modules}
    first_task = {m.name: min((task_order(t) for t in m.tasks), default=0) for m in modules}
    done: list[Module] = []
    visiting: set[str] = set()

    def visit(m: Module) -> None:
        if m in done:
            return
        if m.name in visiting:
            raise StubError(f"modules import each other in a cycle through {m.name}.py")
        visiting.add(m.name)
        for dep in sorted(m.imports & by_name.keys(), key=lambda n: (first_task[n], n)):
            visit(by_name[dep])
        visiting.discard(m.name)
        done.append(m)

    for m in sorted(modules, key=lambda m: (first_task[m.name], m.name)):
        visit(m)
    return done


def _task_marks(path: Path) -> set[str] | None:
    """Task ids of the ``task("qN.k")`` marks in a test file; None when one is not a plain string."""
    try:
        tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
    except SyntaxError:
        return None
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and getattr(node.func, "attr", None) == "task":
            arg = node.args[0] if node.args else None
            if not (isinstance(arg, ast.Constant) and isinstance(arg.value, str)):
                return None
            found.add(arg.value)
    return found or None


def test_files_of_task(task_id: str, files: list[Path]) -> list[Path]:
    """The test files that can hold tests of ``task_id``: those marking it, and any file whose
    marks cannot be read without running it (pytest's --task then picks the task's tests)."""
    selected = []
    for path in files:
        marks = _task_marks(path)
        if marks is None or task_id in marks:
            selected.append(path)
    return selected


def modules_used_by_tests(test_files: list[Path]) -> dict[str, set[str]]:
    """task id -> the question's modules that the test files marked with that task load."""
    used: dict[str, set[str]] = {}
    for path in test_files:
        text = path.read_text(encoding="utf-8")
        modules = {m.group(2) for m in SUBMISSION_RE.finditer(text)}
        for task in {m.group(1) for m in TASK_MARK_RE.finditer(text)}:
            used.setdefault(task, set()).update(modules)
    return used


def place_tests(modules: list[Module], question: Question, test_files: list[Path]) -> dict[str, list[str]]:
    """module name -> the tasks whose test cells follow that module (every task placed once)."""
    position = {m.name: i for i, m in enumerate(modules)}
    used = modules_used_by_tests(test_files)
    placement: dict[str, list[str]] = {m.name: [] for m in modules}
    for task in question.tasks:
        needed = {m.name for m in modules if task.id in m.tasks} | (used.get(task.id, set()) & position.keys())
        last = max(needed, key=position.__getitem__) if needed else modules[-1].name
        placement[last].append(task.id)
    return placement
