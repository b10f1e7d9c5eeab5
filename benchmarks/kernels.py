"""gradekit's conv2d, pooling and LRN kernels against torch, timed in the same run.

The same as `gradekit bench` (the work lives in gradekit/ops/bench.py); results: benchmarks/RESULTS.md.

Usage: python benchmarks/kernels.py [--device cpu|cuda] [--json FILE] [--quick] [--ops conv2d,lrn,...]
"""

import sys
from pathlib import Path

# Runs from a checkout without installing the package (the compiled gradekit._C must be built).
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from gradekit.cli.main import main  # noqa: E402

if __name__ == "__main__":
    sys.exit(main(["bench", *sys.argv[1:]]))
