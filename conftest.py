"""Lets `pytest assignments/qN` work before `pip install -e .`: the plugin loads from this checkout.

Once installed, pytest loads the same plugin through its entry point (named "gradekit.plugin",
so it is not registered twice).
"""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

pytest_plugins = ["gradekit.plugin"]
