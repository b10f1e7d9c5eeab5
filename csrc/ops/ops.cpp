// The gradekit library and the Python module that loads it.
//
// Importing gradekit._C runs the static TORCH_LIBRARY registrations of every file in this
// extension; after that the ops are reachable as torch.ops.gradekit.*. The module itself is
// empty and uses only the stable Python ABI, so no pybind11 is compiled in. The direct calls
// that skip torch.ops' argument parsing are a module of their own, gradekit._calls
// (csrc/calls/calls.cpp), because torch's Python API needs the full CPython API.
#include <Python.h>
#include <torch/library.h>

#include <string>

extern "C" {
PyObject* PyInit__C(void) {
  static struct PyModuleDef module_def = {
      PyModuleDef_HEAD_INIT, "_C", "gradekit's kernels, registered as torch.ops.gradekit.*", -1,
      nullptr};
  return PyModule_Create(&module_def);
}
}

namespace gradekit {

// Which backends this build compiled, comma-separated: "cpu" or "cpu,cuda".
std::string build_info() {
#ifdef GRADEKIT_WITH_CUDA
  return "cpu,cuda";
#else
  return "cpu";
#endif
}

TORCH_LIBRARY(gradekit, m) {
  // The fake (meta) kernels are registered by this Python module (autograd is in autograd.cpp);
  // torch imports it when it needs them (e.g. torch.compile after a bare `import gradekit._C`).
  m.set_python_module("gradekit.ops");
  m.def("_build_info() -> str", &build_info);
}

}  // namespace gradekit
