"""Red team: one malicious submission per known cheat, each graded by `gradekit grade`.

Each file in cases/ describes one cheat: a docstring, the question and module it attacks, the
tasks it must not earn points on (ATTACKED), the tasks that must keep their full points despite it
(KEEPS: a crash or hang costs the attacked task only), optionally the REASON (or REASONs, any of them) its first attacked task
must report (so a case cannot pass by failing for some unrelated cause), the texts that must appear in
no report (NOT_IN_REPORTS: what a hidden test's inputs would leak as), and code appended to a copy of
the fixture course's reference solution, so everything but the cheat is correct. ``{{COURSE}}``,
``{{OUT}}``, ``{{PORT}}`` and ``{{SECRET_FILE}}`` in that code are replaced by the real paths and
port, as a student who knew the grader's layout would write them.
"""

from __future__ import annotations

import ast
from pathlib import Path

from ..grade.conftest import COURSE, public_python  # noqa: F401 - a fixture, shared with the grade-mode tests

CASES = sorted((Path(__file__).parent / "cases").glob("*.py"))


def load_case(path: Path) -> dict:
    """The case's module-level constants (QUESTION, MODULE, ATTACKED, KEEPS, ...) and its code."""
    tree = ast.parse(path.read_text())
    spec = {
        "TIMEOUT": 10,
        "EXTRA": {},
        "IGNORED": [],
        "KEEPS": [],
        "code": path.read_text(),
        "doc": ast.get_docstring(tree) or "",
    }
    for node in tree.body:
        if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
            name = node.targets[0].id
            if name.isupper():
                spec[name] = ast.literal_eval(node.value)
    return spec


def build_submission(spec: dict, root: Path, values: dict) -> Path:
    """A copy of the reference solution with the cheat appended, plus the cheat's extra files."""
    code = spec["code"]
    for key, value in values.items():
        code = code.replace("{{" + key + "}}", str(value))
    solution = (COURSE / "solutions" / spec["QUESTION"] / f"{spec['MODULE']}.py").read_text()
    module = root / spec["QUESTION"] / f"{spec['MODULE']}.py"
    module.parent.mkdir(parents=True)
    module.write_text(solution + "\n\n# --- red team case, appended to the reference solution ---\n" + code)
    for rel, text in spec["EXTRA"].items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text)
    return root


def pytest_generate_tests(metafunc):
    if "case" in metafunc.fixturenames:
        metafunc.parametrize("case", CASES, ids=[p.stem for p in CASES])
