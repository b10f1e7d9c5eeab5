"""The platform exports, run locally the way their platform runs them."""

import base64
import json
import os
import re
import shutil
import stat
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

import pytest
import yaml

from ..redteam.conftest import build_submission, load_case
from .conftest import COURSE


def export(platform, out, *options):
    return subprocess.run(
        [sys.executable, "-m", "gradekit", "export", platform, str(out), "--questions", "q1", *options],
        capture_output=True,
        text=True,
        env=dict(os.environ, GRADEKIT_COURSE=str(COURSE)),
        timeout=300,
    )


@pytest.fixture
def public_root():
    """A folder every uid may enter, as Gradescope's /autograder is (pytest's tmp_path is not)."""
    folder = Path(tempfile.mkdtemp(prefix="gradekit-autograder-"))
    os.chmod(folder, 0o755)
    yield folder
    shutil.rmtree(folder, ignore_errors=True)


def test_gradescope_bundle_runs_like_gradescope_runs_it(tmp_path, public_python, public_root):
    bundle = tmp_path / "autograder.zip"
    exported = export("gradescope", bundle)
    assert exported.returncode == 0, exported.stdout + exported.stderr
    # The export grades the bundle's reference solutions and says what the platform must allow.
    assert re.search(r"q1: peak [\d,]+ MB, \d+ s, the reference solution scored 100/100", exported.stdout), (
        exported.stdout
    )
    assert "set the autograder's memory to at least" in exported.stdout
    with zipfile.ZipFile(bundle) as zf:
        names = set(zf.namelist())
        modes = {i.filename: i.external_attr >> 16 for i in zf.infolist()}
        root = public_root / "autograder"
        zf.extractall(root / "source")
    assert {
        "setup.sh",
        "run_autograder",
        "assignments/q1/tasks.toml",
        "solutions/q1/hidden/test_arith_hidden.py",
        "gradekit/__init__.py",
        "gradekit/grade/grade.py",
        "pyproject.toml",
    } <= names
    assert not any("__pycache__" in n or n.startswith("solutions/q2") for n in names)
    assert modes["run_autograder"] & stat.S_IXUSR and modes["setup.sh"] & stat.S_IXUSR
    assert subprocess.run(["bash", "-n", str(root / "source" / "setup.sh")]).returncode == 0
    # Gradescope's layout: run_autograder at the top, the student's files in submission/.
    shutil.copy(root / "source" / "run_autograder", root / "run_autograder")
    (root / "submission").mkdir()
    shutil.copy(COURSE / "solutions" / "q1" / "arith.py", root / "submission" / "arith_misplaced.py")
    (root / "submission" / "q1").mkdir()
    shutil.copy(COURSE / "solutions" / "q1" / "arith.py", root / "submission" / "q1" / "arith.py")
    env = dict(os.environ, GRADEKIT_AUTOGRADER_ROOT=str(root), GRADEKIT_PYTHON=sys.executable)
    env.pop("GRADEKIT_COURSE", None)
    proc = subprocess.run(["bash", str(root / "run_autograder")], env=env, capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    results = json.loads((root / "results" / "results.json").read_text())
    assert results["score"] == 100, json.dumps(results, indent=1)[:3000]
    assert "arith_misplaced.py" in results["extra_data"]["files_ignored"]
    # Bounded by the platform's default 10 minutes less a minute, unless the instructor says otherwise.
    assert results["extra_data"]["budget_seconds"] == 540
    # Gradescope's file upload: the module alone, at the top of submission/.
    shutil.rmtree(root / "submission")
    shutil.rmtree(root / "results")
    (root / "submission").mkdir()
    shutil.copy(COURSE / "solutions" / "q1" / "arith.py", root / "submission" / "arith.py")
    proc = subprocess.run(["bash", str(root / "run_autograder")], env=env, capture_output=True, text=True, timeout=600)
    loose = json.loads((root / "results" / "results.json").read_text())
    assert loose["score"] == 100, json.dumps(loose, indent=1)[:3000]
    assert sum(t["max_score"] for t in loose["tests"]) == 100  # the assignment is q1 alone
    assert loose["extra_data"]["files_copied"] == ["q1/arith.py"]
    # Gradescope's containers have no user namespaces: without bubblewrap, as root, with the image's
    # own Python, the cheat that reads the reference solution from disk earns nothing.
    spec = load_case(Path(__file__).parents[1] / "redteam" / "cases" / "read_hidden.py")
    shutil.rmtree(root / "submission")
    shutil.rmtree(root / "results")
    build_submission(spec, root / "submission", {"COURSE": root / "source"})
    env.update(GRADEKIT_PYTHON=str(public_python / "venv" / "bin" / "python"), GRADEKIT_SANDBOX="rlimits")
    proc = subprocess.run(["bash", str(root / "run_autograder")], env=env, capture_output=True, text=True, timeout=600)
    cheat = json.loads((root / "results" / "results.json").read_text())
    by_task = {t["number"]: t for t in cheat["tests"]}
    assert by_task["q1.1"]["score"] == 0 and spec["REASON"] in by_task["q1.1"]["output"], json.dumps(cheat)[:3000]
    assert cheat["score"] == 60, json.dumps(cheat)[:3000]  # q1.2 and q1.3 are the reference's
    assert "readable by the grader only" in cheat["extra_data"]["protections"]["files"]


def test_gradescope_bundle_budgets_a_minute_under_the_timeout_it_is_exported_for(tmp_path):
    bundle = tmp_path / "autograder.zip"
    assert export("gradescope", bundle, "--timeout-minutes", "20", "--no-measure").returncode == 0
    with zipfile.ZipFile(bundle) as zf:
        script = zf.read("run_autograder").decode()
    assert 'GRADEKIT_BUDGET="${GRADEKIT_BUDGET:-1140}"' in script and "(20 minutes, as exported)" in script
    refused = export("gradescope", tmp_path / "short.zip", "--timeout-minutes", "1", "--no-measure")
    assert refused.returncode == 2 and "leaves no time to grade" in refused.stderr
    assert not (tmp_path / "short.zip").exists()


def test_github_classroom_workflow_grade_step_feeds_the_reporter(tmp_path):
    assert export("github-classroom", tmp_path / "template").returncode == 0
    workflow = yaml.safe_load((tmp_path / "template" / ".github" / "workflows" / "classroom.yml").read_text())
    assert workflow["name"] == "Autograding Tests" and list(workflow["jobs"]) == ["run-autograding-tests"]
    steps = workflow["jobs"]["run-autograding-tests"]["steps"]
    grade = next(s for s in steps if s.get("id") == "gradekit")
    reporter = steps[-1]
    assert reporter["uses"].startswith("classroom-resources/autograding-grading-reporter")
    runner = reporter["with"]["runners"]
    assert f"{runner.upper()}_RESULTS" in reporter["env"]  # the name the reporter looks up
    # A student repository: the course's assignments with q1 solved, graded by the step's own commands.
    repo = tmp_path / "student-repo"
    shutil.copytree(COURSE / "assignments", repo / "assignments")
    shutil.copy(COURSE / "solutions" / "q1" / "arith.py", repo / "assignments" / "q1" / "arith.py")
    outputs = tmp_path / "github_output"
    # `python` in the step is the one setup-python put first on PATH: here, this environment's.
    bin_dir = os.path.dirname(sys.executable)
    env = dict(os.environ, GITHUB_OUTPUT=str(outputs), PATH=f"{bin_dir}{os.pathsep}{os.environ['PATH']}")
    env.pop("GRADEKIT_COURSE", None)
    proc = subprocess.run(
        ["bash", "-e", "-c", grade["run"]], cwd=repo, env=env, capture_output=True, text=True, timeout=600
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    line = next(ln for ln in outputs.read_text().splitlines() if ln.startswith("result="))
    payload = json.loads(base64.b64decode(line.split("=", 1)[1]))
    # What the reporter computes: the sum of the tests' scores over max_score.
    assert (sum(t["score"] for t in payload["tests"]), payload["max_score"]) == (100, 100)
    assert [t["name"] for t in payload["tests"]] == ["q1.1 add", "q1.2 scale", "q1.3 describe"]


def test_workflows_generated_before_the_layout_change_still_report(tmp_path):
    """Classroom workflows written before gradekit's layout by package run `python -m gradekit.exports`."""
    results = tmp_path / "results.json"
    results.write_text(
        json.dumps(
            {
                "score": 30,
                "tests": [
                    {
                        "name": "q1.1 add",
                        "number": "q1.1",
                        "score": 30,
                        "max_score": 40,
                        "output": "1 of 2 tests failed",
                    }
                ],
            }
        )
    )
    old, new = (
        subprocess.run(
            [sys.executable, "-m", module, "classroom-result", str(results)],
            capture_output=True,
            text=True,
            timeout=120,
        )
        for module in ("gradekit.exports", "gradekit.grade.exports")
    )
    assert old.returncode == new.returncode == 0, old.stderr + new.stderr
    assert old.stdout == new.stdout and old.stdout.startswith("result=")
    payload = json.loads(base64.b64decode(old.stdout.strip().split("=", 1)[1]))
    assert (payload["tests"][0]["score"], payload["max_score"], payload["status"]) == (30, 40, "fail")
    usage = subprocess.run([sys.executable, "-m", "gradekit.exports"], capture_output=True, text=True, timeout=120)
    assert usage.returncode == 2 and "usage: python -m gradekit.grade.exports" in usage.stderr


def _fake(path, body):
    path.write_text("#!/usr/bin/env bash\n" + body)
    path.chmod(0o755)


def run_setup_sh(tmp_path, image_python_ok: bool):
    """setup.sh run with fakes for apt-get, python and pip that record what they were asked for."""
    from gradekit.grade import exports

    root, bin_dir, log = tmp_path / "autograder", tmp_path / "bin", tmp_path / "calls.log"
    (root / "source").mkdir(parents=True)
    shutil.copy(Path(__file__).resolve().parents[2] / "requirements.txt", root / "source" / "requirements.txt")
    bin_dir.mkdir()
    _fake(bin_dir / "fake-apt", f'echo "apt $*" >> {log}\n')
    # A venv made by the fake python holds a pip and a python that only record their arguments.
    venv = f'mkdir -p "$3/bin"; printf \'#!/usr/bin/env bash\\necho "pip $*" >> {log}\\n\' > "$3/bin/pip"; '
    venv += (
        f'printf \'#!/usr/bin/env bash\\necho "venv-python $*" >> {log}\\n\' > "$3/bin/python"; chmod +x "$3/bin/"*\n'
    )
    version_check = "exit 0" if image_python_ok else "exit 1"
    _fake(bin_dir / "python3", f'if [ "$1" = "-c" ]; then {version_check}; fi\necho "python3 $*" >> {log}\n{venv}')
    _fake(bin_dir / "python3.11", f'echo "python3.11 $*" >> {log}\n{venv}')
    script = tmp_path / "setup.sh"
    script.write_text(exports.SETUP_SH)
    env = dict(os.environ, PATH=f"{bin_dir}:/usr/bin:/bin", GRADEKIT_AUTOGRADER_ROOT=str(root), GRADEKIT_APT="fake-apt")
    proc = subprocess.run(["bash", str(script)], env=env, capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return log.read_text().splitlines(), (root / "grading-requirements.txt").read_text()


def test_setup_sh_installs_a_supported_python_on_ubuntu_22_04_and_uses_24_04s_own(tmp_path):
    import tomllib

    pins = dict(
        line.split("==")
        for line in (Path(__file__).resolve().parents[2] / "requirements.txt").read_text().splitlines()
        if "==" in line and not line.startswith("#")
    )
    requires = tomllib.loads((Path(__file__).resolve().parents[2] / "pyproject.toml").read_text())["project"][
        "requires-python"
    ]
    assert requires == ">=3.11"
    # Ubuntu 22.04: python3 is 3.10, too old, so Ubuntu's python3.11 is installed and used.
    calls, grading = run_setup_sh(tmp_path / "jammy", image_python_ok=False)
    install = next(c for c in calls if c.startswith("apt install"))
    for pkg in ("python3.11", "python3.11-venv", "python3.11-dev", "bubblewrap", "dataset-fashion-mnist"):
        assert pkg in install.split(), install
    assert any(c.startswith("python3.11 -m venv") for c in calls), calls
    torch = next(c for c in calls if "download.pytorch.org/whl/cpu" in c)
    assert f"torch=={pins['torch']}" in torch and f"torchvision=={pins['torchvision']}" in torch
    for left_out in ("nbgrader", "ruff", "distributed"):
        assert f"{left_out}==" not in grading
    assert f"numpy=={pins['numpy']}" in grading and f"pytest=={pins['pytest']}" in grading
    # Ubuntu 24.04: python3 is 3.12, which gradekit supports.
    calls, _ = run_setup_sh(tmp_path / "noble", image_python_ok=True)
    install = next(c for c in calls if c.startswith("apt install"))
    assert "python3" in install.split() and "python3.11" not in install
    assert any(c.startswith("python3 -m venv") for c in calls), calls
