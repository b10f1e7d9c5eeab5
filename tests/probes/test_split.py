"""Probes and checks stay apart by where they run.

gradekit.probes.* is what the grading worker loads: every public function there must be a
registered probe, and nothing there may import gradekit.checks (trusted code the worker must not
pull in). gradekit.checks.* runs in the test process only: nothing defined there is a probe. A
question's tests may only import gradekit.probes.qN / gradekit.checks.qN modules that exist (the
convention of docs/authoring.md), and the recorded tests_sha256 covers both folders.
"""

import ast
import importlib
import inspect
import pkgutil
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import gradekit
import gradekit.checks
import gradekit.probes
from gradekit.grade import results

PACKAGE = Path(gradekit.__file__).parent
ROOT = PACKAGE.parent

# Public callables of gradekit.probes itself that are the probes' machinery, not probes: the
# decorator, and the forward-hook sequence that probes (output_shapes, q5.layer_trace) run inside.
MACHINERY = {"probe", "forward_with_leaf_hooks"}


def modules_of(package):
    """The package and each of its submodules, imported."""
    names = [package.__name__] + [f"{package.__name__}.{m.name}" for m in pkgutil.iter_modules(package.__path__)]
    return [importlib.import_module(name) for name in names]


def own_public_callables(module):
    """(name, object) of the public functions and classes defined in ``module`` itself (not imported)."""
    return [
        (name, obj)
        for name, obj in vars(module).items()
        if not name.startswith("_")
        and (inspect.isfunction(obj) or inspect.isclass(obj))
        and obj.__module__ == module.__name__
    ]


def test_every_public_function_of_probes_is_a_registered_probe():
    not_probes = []
    for module in modules_of(gradekit.probes):
        for name, obj in own_public_callables(module):
            if module is gradekit.probes and name in MACHINERY:
                continue
            if getattr(obj, "__gradekit_probe__", None) != f"{module.__name__}.{name}":
                not_probes.append(f"{module.__name__}.{name}")
            else:
                assert f"{module.__name__}.{name}" in gradekit.probes.REGISTRY
    assert not not_probes, (
        f"{not_probes} are not @probe functions: trusted references and assertions belong in gradekit/checks/qN.py"
    )


def test_nothing_in_checks_is_a_probe():
    probes_here = [
        f"{module.__name__}.{name}"
        for module in modules_of(gradekit.checks)
        for name, obj in own_public_callables(module)
        if hasattr(obj, "__gradekit_probe__")
    ]
    assert not probes_here, f"{probes_here} are probes: they run in the worker and belong in gradekit/probes/qN.py"
    assert not [name for name in gradekit.probes.REGISTRY if name.startswith("gradekit.checks")]


def gradekit_imports(path: Path) -> set[str]:
    """Every gradekit module a file imports, at any depth (``from gradekit.x import y`` gives gradekit.x
    and gradekit.x.y: y may be a module)."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Import):
            found |= {a.name for a in node.names if a.name.startswith("gradekit")}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and (node.module or "").startswith("gradekit"):
            found.add(node.module)
            found |= {f"{node.module}.{a.name}" for a in node.names}
    return found


def test_probe_modules_do_not_import_checks():
    sources = sorted((PACKAGE / "probes").glob("*.py"))
    assert sources
    offenders = [
        str(f.relative_to(ROOT))
        for f in sources
        if any(m == "gradekit.checks" or m.startswith("gradekit.checks.") for m in gradekit_imports(f))
    ]
    assert not offenders, f"{offenders} import gradekit.checks; probes are what the worker loads and must not"


def test_loading_every_probe_module_leaves_checks_unloaded():
    """What the worker does (import probe modules by name) brings no trusted check in, even indirectly."""
    names = [m.__name__ for m in modules_of(gradekit.probes)]
    code = (
        "import importlib, sys\n"
        f"for name in {names!r}: importlib.import_module(name)\n"
        "print(sorted(m for m in sys.modules if m == 'gradekit.checks' or m.startswith('gradekit.checks.')))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"


def question_test_files():
    files = sorted(ROOT.glob("assignments/q*/test_*.py")) + sorted(ROOT.glob("solutions/q*/hidden/**/*.py"))
    assert files
    return files


@pytest.mark.parametrize("layer", ["probes", "checks"])
def test_every_question_module_the_tests_import_exists(layer):
    """A question's probes and checks live at gradekit/probes/qN.py and gradekit/checks/qN.py, nowhere else."""
    missing = []
    for f in question_test_files():
        for name in sorted(gradekit_imports(f)):
            parts = name.split(".")
            if parts[:2] == ["gradekit", layer] and len(parts) >= 3 and parts[2].startswith("q"):
                where = PACKAGE / layer / f"{parts[2]}.py"
                if not where.is_file():
                    missing.append(
                        f"{f.relative_to(ROOT)} imports gradekit.{layer}.{parts[2]}: create {where.relative_to(ROOT)}"
                    )
    assert not missing, "\n".join(missing)


def test_the_hash_covers_the_installed_probes_and_checks():
    assert Path(results.PACKAGE_DIR).resolve() == PACKAGE.resolve()
    assert (PACKAGE / "checks" / "q5.py").is_file() and (PACKAGE / "probes" / "q5.py").is_file()


@pytest.mark.parametrize("layer", ["probes", "checks"])
def test_the_hash_changes_with_a_file_under_probes_or_checks(tmp_path, layer):
    package = tmp_path / "gradekit"
    for part in ("probes", "checks"):
        shutil.copytree(PACKAGE / part, package / part, ignore=shutil.ignore_patterns("__pycache__"))
    course = tmp_path / "course"
    (course / "assignments").mkdir(parents=True)
    before = results.tests_hash(course, [], package_dir=package)
    assert results.tests_hash(course, [], package_dir=package) == before
    target = package / layer / "q5.py"
    target.write_text(target.read_text() + "\n# one more line\n")
    assert results.tests_hash(course, [], package_dir=package) != before
