#!/usr/bin/env bash
# Builds gradekit._C with its CUDA kernels, runs the kernel tests on the GPU and writes the CUDA
# benchmark table, headed by the device name, to benchmarks/gpu_results.txt (or $1).
# Until this has been run on a machine with a GPU, the CUDA kernels are compiled but untested.
# Usage: bash benchmarks/gpu_check.sh [OUTPUT_FILE]   (run from anywhere; the steps time out after 4 + 1 + 2.5 minutes, under 8 in all)
set -euo pipefail

cd "$(dirname "$0")/.."
out="${1:-benchmarks/gpu_results.txt}"
python="${PYTHON:-python}"

fail() {
  echo "gpu_check: $*" >&2
  exit 1
}

# A GPU must be visible before minutes are spent on the CUDA build.
if command -v nvidia-smi > /dev/null 2>&1; then
  gpu_name="$(nvidia-smi --query-gpu=name --format=csv,noheader 2> /dev/null | head -n 1 || true)"
else
  gpu_name=""
fi
if [ -z "$gpu_name" ]; then
  gpu_name="$("$python" -c 'import torch; print(torch.cuda.get_device_name(0) if torch.cuda.is_available() else "")' 2> /dev/null || true)"
fi
[ -n "$gpu_name" ] || fail "no GPU is visible (nvidia-smi lists none and torch.cuda.is_available() is False); run this on a machine with an NVIDIA GPU"

export PYTHONPATH="$PWD${PYTHONPATH:+:$PYTHONPATH}"
echo "gpu_check: building gradekit._C with CUDA for $gpu_name"
GRADEKIT_CUDA=1 timeout 240 "$python" setup.py build_ext --inplace > /tmp/gradekit_gpu_build.log 2>&1 ||
  fail "the CUDA build failed or took over 4 minutes; see /tmp/gradekit_gpu_build.log"
"$python" -c 'from gradekit import ops; import sys; b = ops.build_info(); sys.exit(0 if b["built"] and b["cuda"] else 1)' ||
  fail "gradekit._C was built without CUDA kernels"

echo "gpu_check: CUDA kernel tests"
timeout 60 "$python" -m pytest -q tests/ops -k cuda || fail "CUDA kernel tests failed"

echo "gpu_check: CUDA benchmark"
{
  echo "GPU: $gpu_name"
  echo "date: $(date -u +%Y-%m-%dT%H:%M:%SZ)"
  timeout 150 "$python" -m gradekit bench --device cuda
} > "$out" || fail "the CUDA benchmark failed; partial output in $out"
echo "gpu_check: done; table in $out"
