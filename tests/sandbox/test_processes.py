"""Finding and signalling every process of a sandbox."""

from __future__ import annotations

import os
from pathlib import Path

from gradekit.sandbox.parent import processes


def _state(pid: int) -> str:
    return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]


def test_the_whole_sandbox_tree_is_stopped_and_resumed():
    """What timing does around the reference: nothing below the sandbox's root may run meanwhile."""
    import signal
    import subprocess
    import sys
    import time

    # A process that starts a busy grandchild, as a submission's background work would.
    code = "import subprocess, sys, time; subprocess.Popen([sys.executable, '-c', 'while True: pass']); time.sleep(60)"
    root = subprocess.Popen(
        [sys.executable, "-c", "import subprocess, sys; subprocess.run([sys.executable, '-c', " + repr(code) + "])"]
    )
    try:
        deadline = time.monotonic() + 20
        while len(processes.descendants(root.pid)) < 2 and time.monotonic() < deadline:
            time.sleep(0.05)
        tree = processes.descendants(root.pid)
        assert len(tree) == 2, tree  # the child and its busy grandchild
        processes.signal_sandbox(root.pid, None, signal.SIGSTOP)
        assert [_state(p) for p in tree] == ["T", "T"]
        processes.signal_sandbox(root.pid, None, signal.SIGCONT)
        assert "T" not in [_state(p) for p in tree]
    finally:
        for pid in processes.descendants(root.pid):
            os.kill(pid, signal.SIGKILL)
        root.kill()
        root.wait()
