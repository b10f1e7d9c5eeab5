"""Deliberately wrong solutions must lose exactly the points of the tasks they break.

A mutant is a file ``mutants/qN/<name>.py`` with a docstring saying what is wrong and:

    MODULE = "conv"            # the solution module it patches (solutions/qN/conv.py)
    LOSES = ["q1.3"]           # tasks that must earn 0 with this mutant; every other task keeps full points
    ONLY = ["q7.2", "q7.3"]    # optional: run only these tasks (for questions whose full run is long)
    PARTIAL = ["q2.5"]         # optional: tasks that must lose some points but not all (a mistake only ties expose)
    DIAGNOSIS = {"q1.4": "a flipped kernel"}  # optional: what each task's feedback must say it did

followed by replacement definitions. The runner copies solutions/qN, appends the mutant's source to
MODULE (later definitions win) and grades the copy with the visible and hidden tests. A diagnosis
("This matches a flipped kernel ...") must reach its task's one-line feedback, what the scoreboard
and results.json show; no task may name a mistake the mutant did not make.
"""

import ast
import shutil

from gradekit.testing import DIAGNOSIS_PREFIX


def _constants(path):
    """MODULE, LOSES, ONLY, PARTIAL and DIAGNOSIS read without importing the mutant."""
    values = {}
    for node in ast.parse(path.read_text()).body:
        if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
            if node.targets[0].id in ("MODULE", "LOSES", "ONLY", "PARTIAL", "DIAGNOSIS"):
                values[node.targets[0].id] = ast.literal_eval(node.value)
    return values


def test_mutant_loses_exactly_its_tasks(mutant, grade_question, tmp_path):

    question = mutant.parent.name
    meta = _constants(mutant)
    assert "MODULE" in meta and "LOSES" in meta, f"{mutant.name} must define MODULE and LOSES"
    repo = mutant.parents[4]  # <repo>/tests/questions/mutants/qN/<name>.py
    sub = tmp_path / "submission"
    shutil.copytree(
        repo / "solutions" / question, sub / question, ignore=shutil.ignore_patterns("hidden", "__pycache__")
    )
    target = sub / question / f"{meta['MODULE']}.py"
    assert target.is_file(), f"{mutant.name}: solutions/{question}/{meta['MODULE']}.py does not exist"
    target.write_text(target.read_text() + "\n\n# --- mutant ---\n" + mutant.read_text())
    results = grade_question(question, sub, tasks=meta.get("ONLY"))
    for tid, t in results.items():
        if tid == "_output" or (meta.get("ONLY") and tid not in meta["ONLY"]):
            continue
        if tid in meta["LOSES"]:
            assert t["score"] == 0, f"mutant {mutant.stem} should lose all of {tid} but earns {t['score']}"
        elif tid in meta.get("PARTIAL", []):
            assert 0 < t["score"] < t["max_score"], (
                f"mutant {mutant.stem} should lose part of {tid} but earns {t['score']}/{t['max_score']}"
            )
        else:
            assert t["score"] == t["max_score"], (
                f"mutant {mutant.stem} should not touch {tid} but it earns {t['score']}/{t['max_score']}: {t['output']}"
            )
    check_diagnoses(mutant.stem, results, meta.get("DIAGNOSIS", {}))


def check_diagnoses(name, results, diagnoses):
    """Each task in ``diagnoses`` names its mistake in its feedback; no other feedback names any."""
    for tid, t in results.items():
        if tid == "_output":
            continue
        said = t["output"]
        if tid in diagnoses:
            assert f"{DIAGNOSIS_PREFIX} {diagnoses[tid]}" in said, f"mutant {name}: {tid} should diagnose it: {said!r}"
        else:
            assert DIAGNOSIS_PREFIX not in said, f"mutant {name}: {tid} names a mistake it did not make: {said!r}"
    missing = set(diagnoses) - set(results)
    assert not missing, f"mutant {name}: DIAGNOSIS names tasks that did not run: {sorted(missing)}"
