"""footprint: a grading's peak memory over its whole process tree, and the settings it asks for."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

from gradekit.grade import footprint
from gradekit.grade.footprint import Footprint
from gradekit.sandbox.parent.processes import descendants


def test_tree_mb_counts_the_children_of_the_process():
    # A parent that holds little and a child that holds about 200 MB of its own pages.
    child = "b = bytearray(200 * 10**6); b[::4096] = b'x' * len(b[::4096]); import time; time.sleep(30)"
    parent = f"import subprocess, sys; subprocess.run([sys.executable, '-c', {child!r}])"
    proc = subprocess.Popen([sys.executable, "-c", parent])
    try:
        deadline, seen = time.monotonic() + 20, 0.0
        while time.monotonic() < deadline and seen < 200:
            seen = footprint.tree_mb(proc.pid)
            time.sleep(0.1)
        assert 200 <= seen < 400, f"{seen:.0f} MB for a tree holding about 200 MB plus two interpreters"
    finally:
        for pid in descendants(proc.pid):
            os.kill(pid, signal.SIGKILL)
        proc.kill()
        proc.wait()


def test_run_measured_reports_status_and_time():
    code, peak, seconds = footprint.run_measured(
        [sys.executable, "-c", "import time; time.sleep(0.5); exit(3)"], None, ".", 30
    )
    assert code == 3 and peak > 1 and 0.4 < seconds < 10


def test_advice_rounds_memory_up_past_the_largest_peak_and_doubles_the_time():
    text = footprint.advice([Footprint("q1", 900, 100, 0, 100, 100), Footprint("q2", 300, 300, 0, 100, 100)])
    assert "q1: peak 900 MB, 100 s, the reference solution scored 100/100" in text
    # 900 MB and a quarter is 1,125 MB: the next half gigabyte is 1.5 GB; 2 x 400 s is 13.3 minutes.
    assert text.endswith("set the autograder's memory to at least 1.5 GB and its timeout to at least 14 minutes")
    assert "did not get full marks" not in text


def test_advice_says_when_the_reference_loses_points():
    text = footprint.advice([Footprint("q1", 100, 5, 0, 60, 100), Footprint("q2", 100, 5, 1, None, None)])
    assert "q2: peak 100 MB, 5 s, the reference solution scored nothing (no results written)" in text
    assert "did not get full marks on q1, q2: check the course" in text
    assert "at least 0.5 GB" in text and "at least 10 minutes" in text
