"""The files `gradekit grade` leaves in its output folder: results.json, junit.xml, score.csv.

results.json is Gradescope's schema as gradekit.harness.reports writes it (one test per task), plus in
``extra_data`` what makes a grade auditable: the gradekit version, a hash of the tests that graded
it, the protections that were active, the files taken from and ignored in the submission, and
the tolerance band of speed tasks. junit.xml has one test case per task, with the same one-line
messages (never a hidden test's code or values).
"""

from __future__ import annotations

import hashlib
import json
import math
import xml.etree.ElementTree as ET
from pathlib import Path

from gradekit import __version__
from gradekit.harness import figures, html_report
from gradekit.harness.reports import atomic_write

# Two gradings of the same submission agree exactly except on speed tasks, whose measured ratio
# may move by this factor on a shared machine (see speed_band_points).
SPEED_RATIO_BAND = 2.0


def speed_band_points(points: float, target: float, floor: float) -> float:
    """How many of a speed task's points a factor SPEED_RATIO_BAND in the measured ratio can move."""
    return points * min(1.0, math.log(SPEED_RATIO_BAND) / math.log(target / floor))


# The installed gradekit package, whose probes (run in the worker) and checks (run in the test
# process) decide a grade as much as the tests that call them.
PACKAGE_DIR = Path(__file__).parent.parent


def tests_hash(course_root: Path, questions: list[str], package_dir: Path = PACKAGE_DIR) -> str:
    """sha256 of every file that decides a grade: task tables, visible and hidden tests, probes, checks.

    ``package_dir`` is the gradekit package whose probes/ and checks/ are hashed; a parameter so
    that a test can hash a copy of them.
    """
    files = []
    for q in questions:
        files += sorted((course_root / "assignments" / q).glob("tasks.toml"))
        files += sorted((course_root / "assignments" / q).glob("test_*.py"))
        files += sorted((course_root / "solutions" / q / "hidden").rglob("*.py"))
    for layer in ("probes", "checks"):
        files += sorted((package_dir / layer).glob("*.py"))
    digest = hashlib.sha256(__version__.encode())
    for f in files:
        rel = f.relative_to(course_root) if course_root in f.parents else Path("gradekit") / f.relative_to(package_dir)
        digest.update(str(rel).encode() + b"\0" + f.read_bytes() + b"\0")
    return digest.hexdigest()


def failed_results(message: str, extra: dict) -> dict:
    """The results.json of a grading that could not run: score 0 and the reason."""
    return {
        "score": 0,
        "output": message,
        "visibility": "visible",
        "stdout_visibility": "hidden",
        "tests": [],
        "extra_data": {"gradekit_version": __version__, "grading_failed": True, **extra},
    }


def write_all(out: Path, results: dict, csv_text: str | None) -> None:
    out.mkdir(parents=True, exist_ok=True)
    # The page shows the figures; results.json names them only (Gradescope and grade-all read it).
    atomic_write(out / "results.json", json.dumps(figures.without_data(results), indent=2) + "\n")
    atomic_write(out / "report.html", html_report.render(results))
    atomic_write(out / "junit.xml", junit(results))
    atomic_write(
        out / "score.csv",
        csv_text
        if csv_text is not None
        else "question,task,title,earned,possible,status,speed_ratio,speed_target,message\n",
    )


def junit(results: dict) -> str:
    """JUnit XML with one test case per task (CI systems show it as a test report)."""
    tests = results.get("tests", [])
    failures = [t for t in tests if t.get("score", 0) < t.get("max_score", 0)]
    suite = ET.Element(
        "testsuite",
        name="gradekit",
        tests=str(len(tests)),
        failures=str(len(failures)),
        errors="0" if tests or not results.get("extra_data", {}).get("grading_failed") else "1",
    )
    props = ET.SubElement(suite, "properties")
    for key in ("gradekit_version", "tests_sha256", "sandbox"):
        value = results.get("extra_data", {}).get(key)
        if value is not None:
            ET.SubElement(props, "property", name=key, value=str(value))
    ET.SubElement(props, "property", name="score", value=str(results.get("score", 0)))
    for t in tests:
        case = ET.SubElement(suite, "testcase", classname=(t.get("tags") or ["gradekit"])[0], name=t["name"])
        ET.SubElement(case, "properties").append(
            ET.Element("property", name="points", value=f"{t.get('score', 0)}/{t.get('max_score', 0)}")
        )
        if t in failures:
            msg = str(t.get("output", ""))
            ET.SubElement(
                case, "failure", message=msg[:500]
            ).text = f"{t.get('score', 0)} of {t.get('max_score', 0)} points: {msg}"
    if not tests and results.get("extra_data", {}).get("grading_failed"):
        ET.SubElement(suite, "error", message=str(results.get("output", ""))[:500])
    ET.indent(suite)
    return ET.tostring(suite, encoding="unicode", xml_declaration=True) + "\n"
