"""The `gradekit` command: its help, and the README listing exactly its subcommands."""

import re
import subprocess
import sys
from pathlib import Path

from gradekit.cli.main import build_parser

REPO = Path(__file__).resolve().parents[2]


def _subcommands():
    parser = build_parser()
    action = next(a for a in parser._actions if a.dest == "command")
    return set(action.choices)


def test_help_lists_every_subcommand():
    out = subprocess.run([sys.executable, "-m", "gradekit", "--help"], capture_output=True, text=True, check=True)
    for name in _subcommands():
        assert name in out.stdout


def test_readme_command_table_matches_the_cli():
    readme = (REPO / "README.md").read_text()
    table = re.findall(r"^\| `gradekit ([a-z-]+)", readme, flags=re.M)
    table += re.findall(r"/ `export ([a-z-]+)", readme)
    documented = {name for name in table if name in _subcommands()}
    assert documented == _subcommands(), f"README table vs CLI: {sorted(documented ^ _subcommands())}"


def test_doctor_prints_a_row_per_check():
    out = subprocess.run([sys.executable, "-m", "gradekit", "doctor"], capture_output=True, text=True)
    for item in ("torch", "gradekit._C", "GPU", "nbgrader", "bubblewrap"):
        assert re.search(rf"^(ok|no)\s+{re.escape(item)}\s", out.stdout, flags=re.M), out.stdout


def test_a_bad_subcommand_is_an_argparse_error():
    out = subprocess.run([sys.executable, "-m", "gradekit", "frobnicate"], capture_output=True, text=True)
    assert out.returncode == 2 and "invalid choice" in out.stderr
