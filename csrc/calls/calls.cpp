// gradekit._calls: direct Python entry points to the gradekit ops, for the common call.
//
// torch.ops.gradekit.max_pool2d(...) matches its Python arguments against the op's schema on
// every call, which on a tiny input costs more than the kernel (about 2 us). These functions take
// exactly the arguments gradekit.ops has already checked (plain ints and floats), unpack them with
// torch's own Python API and call the op through the dispatcher, so everything below the call is
// what torch.ops reaches: autograd (csrc/ops/autograd.cpp), the CPU and CUDA kernels, dispatch
// modes, error messages. gradekit.ops uses them only where no __torch_function__ handling and no
// Dynamo tracing is involved. A tensor on another device returns NotImplemented, and gradekit.ops
// then takes its full path, whose checks name the problem.
//
// Unlike gradekit._C (Python's stable ABI only), this module uses torch's Python headers, which
// need the full CPython API: it is built for one Python version.
#include <ATen/core/dispatch/Dispatcher.h>
#include <torch/csrc/Exceptions.h>
#include <torch/csrc/autograd/python_variable.h>
#include <torch/csrc/utils/pybind.h>

#include <string>

namespace {

using at::IntArrayRef;
using at::Tensor;

using WindowSig = Tensor(const Tensor&, IntArrayRef, IntArrayRef, IntArrayRef);
using LrnSig = Tensor(const Tensor&, int64_t, double, double, double, c10::string_view);
using ConvSig = Tensor(const Tensor&, const Tensor&, const std::optional<Tensor>&, IntArrayRef,
                       IntArrayRef, IntArrayRef, int64_t);

template <class Signature>
c10::TypedOperatorHandle<Signature> find(const char* name) {
  return c10::Dispatcher::singleton().findSchemaOrThrow(name, "").typed<Signature>();
}

// The devices gradekit's kernels run on in this build; anything else takes gradekit.ops' full path.
bool served(const Tensor& t) {
#ifdef GRADEKIT_WITH_CUDA
  return t.is_cpu() || t.is_cuda();
#else
  return t.is_cpu();
#endif
}

bool arity(const char* name, Py_ssize_t nargs, Py_ssize_t wanted) {
  if (nargs == wanted) {
    return true;
  }
  PyErr_Format(PyExc_TypeError, "gradekit._calls.%s takes %zd arguments, got %zd", name, wanted, nargs);
  return false;
}

// The tensor in obj, or nullptr (with a TypeError set) if obj is not one.
const Tensor* tensor(PyObject* obj) {
  if (!THPVariable_Check(obj)) {
    PyErr_Format(PyExc_TypeError, "expected a torch.Tensor, got %s", Py_TYPE(obj)->tp_name);
    return nullptr;
  }
  return &THPVariable_Unpack(obj);
}

// ints[i] = args[i] for n Python ints; false (with the error set) if one is not an int.
bool ints(PyObject* const* args, int64_t* out, int n) {
  for (int i = 0; i < n; ++i) {
    out[i] = PyLong_AsLongLong(args[i]);
    if (out[i] == -1 && PyErr_Occurred()) {
      return false;
    }
  }
  return true;
}

// pool(kind, x, kh, kw, sh, sw, ph, pw): kind 0 max, 1 min, 2 average.
PyObject* pool(PyObject*, PyObject* const* args, Py_ssize_t nargs) {
  HANDLE_TH_ERRORS
  if (!arity("pool", nargs, 8)) {
    return nullptr;
  }
  static const c10::TypedOperatorHandle<WindowSig> ops[] = {
      find<WindowSig>("gradekit::max_pool2d"), find<WindowSig>("gradekit::min_pool2d"),
      find<WindowSig>("gradekit::avg_pool2d")};
  int64_t v[7];
  if (!ints(args, v, 1) || !ints(args + 2, v + 1, 6)) {
    return nullptr;
  }
  const Tensor* x = tensor(args[1]);
  if (x == nullptr) {
    return nullptr;
  }
  if (v[0] < 0 || v[0] > 2 || !served(*x)) {
    Py_RETURN_NOTIMPLEMENTED;
  }
  Tensor out;
  {
    pybind11::gil_scoped_release no_gil;  // as torch's own bindings: other Python threads run meanwhile
    out = ops[v[0]].call(*x, {v[1], v[2]}, {v[3], v[4]}, {v[5], v[6]});
  }
  return THPVariable_Wrap(std::move(out));
  END_HANDLE_TH_ERRORS
}

// lrn(x, size, alpha, beta, k, convention)
PyObject* lrn(PyObject*, PyObject* const* args, Py_ssize_t nargs) {
  HANDLE_TH_ERRORS
  if (!arity("lrn", nargs, 6)) {
    return nullptr;
  }
  static const auto op = find<LrnSig>("gradekit::lrn");
  const Tensor* x = tensor(args[0]);
  int64_t size = 0;
  if (x == nullptr || !ints(args + 1, &size, 1)) {
    return nullptr;
  }
  double hyper[3];
  for (int i = 0; i < 3; ++i) {
    hyper[i] = PyFloat_AsDouble(args[2 + i]);
    if (hyper[i] == -1.0 && PyErr_Occurred()) {
      return nullptr;
    }
  }
  Py_ssize_t length = 0;
  const char* convention = PyUnicode_AsUTF8AndSize(args[5], &length);
  if (convention == nullptr) {
    return nullptr;
  }
  if (!served(*x)) {
    Py_RETURN_NOTIMPLEMENTED;
  }
  Tensor out;
  {
    pybind11::gil_scoped_release no_gil;
    out = op.call(*x, size, hyper[0], hyper[1], hyper[2],
                  c10::string_view(convention, static_cast<size_t>(length)));
  }
  return THPVariable_Wrap(std::move(out));
  END_HANDLE_TH_ERRORS
}

// conv2d(x, w, b or None, sh, sw, top, bottom, left, right, dh, dw, groups)
PyObject* conv2d(PyObject*, PyObject* const* args, Py_ssize_t nargs) {
  HANDLE_TH_ERRORS
  if (!arity("conv2d", nargs, 12)) {
    return nullptr;
  }
  static const auto op = find<ConvSig>("gradekit::conv2d");
  const Tensor* x = tensor(args[0]);
  const Tensor* w = x == nullptr ? nullptr : tensor(args[1]);
  if (w == nullptr) {
    return nullptr;
  }
  std::optional<Tensor> b;
  if (args[2] != Py_None) {
    const Tensor* bias = tensor(args[2]);
    if (bias == nullptr) {
      return nullptr;
    }
    b = *bias;
  }
  int64_t v[9];
  if (!ints(args + 3, v, 9)) {
    return nullptr;
  }
  const bool same_device = w->device() == x->device() && (!b || b->device() == x->device());
  if (!served(*x) || !same_device) {
    Py_RETURN_NOTIMPLEMENTED;
  }
  Tensor out;
  {
    pybind11::gil_scoped_release no_gil;
    out = op.call(*x, *w, b, {v[0], v[1]}, {v[2], v[3], v[4], v[5]}, {v[6], v[7]}, v[8]);
  }
  return THPVariable_Wrap(std::move(out));
  END_HANDLE_TH_ERRORS
}

PyMethodDef methods[] = {
    {"pool", reinterpret_cast<PyCFunction>(reinterpret_cast<void (*)()>(pool)), METH_FASTCALL,
     "pool(kind, x, kh, kw, sh, sw, ph, pw): kind 0 max, 1 min, 2 average"},
    {"lrn", reinterpret_cast<PyCFunction>(reinterpret_cast<void (*)()>(lrn)), METH_FASTCALL,
     "lrn(x, size, alpha, beta, k, convention)"},
    {"conv2d", reinterpret_cast<PyCFunction>(reinterpret_cast<void (*)()>(conv2d)), METH_FASTCALL,
     "conv2d(x, w, b, sh, sw, top, bottom, left, right, dh, dw, groups)"},
    {nullptr, nullptr, 0, nullptr}};

}  // namespace

extern "C" PyObject* PyInit__calls(void) {
  static PyModuleDef module_def = {PyModuleDef_HEAD_INIT, "_calls",
                                   "direct calls of the gradekit ops (see gradekit.ops)", -1, methods};
  return PyModule_Create(&module_def);
}
