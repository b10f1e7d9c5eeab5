#!/usr/bin/env bash
# Sets up gradekit on a fresh Debian or Ubuntu machine: the system packages it reads data from and
# sandboxes with, a virtual environment in .venv with the pinned requirements, and the compiled
# kernels (CPU always; CUDA too where a CUDA toolkit is installed).
# --tests also installs what only the kit's own tests need: Debian's chromium, in which the page
# tests render report.html and index.html (CI passes it; students and graders need not).
set -euo pipefail
cd "$(dirname "$0")/.."

# Fashion-MNIST (70,000 images, offline) and bubblewrap (the grading sandbox) come from Debian.
packages=(dataset-fashion-mnist bubblewrap)
if [ "${1:-}" = "--tests" ]; then packages+=(chromium); fi
if command -v apt-get >/dev/null 2>&1; then
  sudo=""
  [ "$(id -u)" = 0 ] || sudo="sudo"
  missing=()
  for pkg in "${packages[@]}"; do
    dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg")
  done
  if [ ${#missing[@]} -gt 0 ]; then
    $sudo apt-get update -q
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q "${missing[@]}"
  fi
else
  echo "install.sh: no apt-get here; install these yourself (see README): ${packages[*]}" >&2
fi

python=${PYTHON:-python3}
[ -x .venv/bin/python ] || "$python" -m venv .venv
.venv/bin/python -m pip install -q -r requirements.txt
# --no-build-isolation: compile against the torch just installed, not a fresh download.
.venv/bin/python -m pip install -q --no-build-isolation -e .
.venv/bin/gradekit doctor || true
