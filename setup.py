"""Builds gradekit._C, the C++/CUDA kernels behind gradekit.ops.

Metadata, the console script and the pytest plugin live in pyproject.toml; this file only adds
the extension. Build against the torch already installed:

    pip install --no-build-isolation -e .

CPU kernels are always compiled. CUDA kernels are added where nvcc and a CUDA build of torch are
found; GRADEKIT_CUDA=0 or GRADEKIT_CUDA=1 forces the choice.
"""

import glob
import os
import sys

from setuptools import setup

LIBRARY = "gradekit"
HERE = os.path.dirname(os.path.abspath(__file__))
DEFAULT_CUDA_HOME = "/usr/local/cuda"
# One architecture keeps a CUDA build on two cores within minutes. "+PTX" lets newer GPUs JIT it.
DEFAULT_CUDA_ARCH = "9.0+PTX"


def _locate_cuda_toolkit() -> None:
    """Point torch at the toolkit before torch.utils.cpp_extension reads CUDA_HOME on import.

    torch guesses CUDA_HOME from the nvcc on PATH; a /usr/local/bin/nvcc wrapper makes it guess
    /usr/local, which has no CUDA headers.
    """
    if "CUDA_HOME" in os.environ or "CUDA_PATH" in os.environ:
        return
    if os.path.exists(os.path.join(DEFAULT_CUDA_HOME, "bin", "nvcc")):
        os.environ["CUDA_HOME"] = DEFAULT_CUDA_HOME


_locate_cuda_toolkit()
# ninja's default (cores + 2) overcommits small shared machines.
os.environ.setdefault(
    "MAX_JOBS", str(len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count())
)

import torch  # noqa: E402  (must come after CUDA_HOME is settled)
from torch.utils.cpp_extension import CUDA_HOME, BuildExtension, CppExtension, CUDAExtension  # noqa: E402


def _want_cuda() -> bool:
    """GRADEKIT_CUDA=1 demands CUDA kernels, =0 refuses them, unset builds them where possible."""
    forced = os.environ.get("GRADEKIT_CUDA")
    nvcc = CUDA_HOME is not None and os.path.exists(os.path.join(CUDA_HOME, "bin", "nvcc"))
    torch_cuda = torch.version.cuda is not None
    if forced == "0":
        return False
    if forced == "1":
        if not nvcc:
            sys.exit(
                f"GRADEKIT_CUDA=1 but no nvcc was found (CUDA_HOME={CUDA_HOME!r}); "
                f"install a CUDA toolkit or set CUDA_HOME to it"
            )
        if not torch_cuda:
            sys.exit(
                f"GRADEKIT_CUDA=1 but torch {torch.__version__} is a CPU-only build; install a CUDA build of torch"
            )
        return True
    if forced not in (None, ""):
        sys.exit(f"GRADEKIT_CUDA must be 0 or 1, got GRADEKIT_CUDA={forced!r}")
    return nvcc and torch_cuda


def _sources(pattern: str) -> list[str]:
    # Relative paths: setuptools rejects absolute source paths in editable builds.
    return sorted(os.path.relpath(p, HERE) for p in glob.glob(os.path.join(HERE, pattern)))


def get_extensions():
    use_cuda = _want_cuda()
    debug = os.environ.get("DEBUG", "0") == "1"
    sources = _sources("csrc/ops/*.cpp") + _sources("csrc/ops/cpu/*.cpp")
    cxx = [
        "-O0" if debug else "-O3",
        # Python's own CFLAGS carry -g, which doubles compile time and the size of the module.
        "-g" if debug else "-g0",
        # Lets sqrt vectorize; the kernels never read errno.
        "-fno-math-errno",
        # ATen's at::parallel_for is an OpenMP region compiled into our own code.
        "-fopenmp",
    ]
    nvcc = ["-O3"]
    define_macros = []
    extension = CppExtension
    if use_cuda:
        sources += _sources("csrc/ops/cuda/*.cu")
        define_macros.append(("GRADEKIT_WITH_CUDA", "1"))
        extension = CUDAExtension
        if not torch.cuda.is_available():
            # cpp_extension reads the visible GPUs to pick architectures and fails with none.
            os.environ.setdefault("TORCH_CUDA_ARCH_LIST", DEFAULT_CUDA_ARCH)
    print(
        f"gradekit._C: building {'CPU and CUDA' if use_cuda else 'CPU-only'} kernels "
        f"({len(sources)} sources, MAX_JOBS={os.environ['MAX_JOBS']})",
        file=sys.stderr,
    )
    return [
        extension(
            f"{LIBRARY}._C",
            sources,
            py_limited_api=True,  # the kernels and their registration need only Python's stable ABI
            define_macros=define_macros,
            extra_compile_args={"cxx": cxx, "nvcc": nvcc},
            extra_link_args=["-fopenmp"],
        ),
        # The direct calls from Python (csrc/calls/calls.cpp) use torch's Python headers, which
        # need the full CPython API: this module, and so the wheel, is built for one Python.
        CppExtension(
            f"{LIBRARY}._calls",
            _sources("csrc/calls/*.cpp"),
            define_macros=define_macros,
            extra_compile_args={"cxx": [c for c in cxx if c != "-fopenmp"]},
        ),
    ]


setup(
    ext_modules=get_extensions(),
    cmdclass={"build_ext": BuildExtension},
)
