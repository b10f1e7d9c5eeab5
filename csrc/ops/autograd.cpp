// Autograd for the gradekit ops, registered in C++ at the Autograd key.
//
// A Python autograd kernel (torch.library.register_autograd) runs Python on every call, even one
// that needs no gradient; on a small input that was most of an op's fixed cost. Here each op is a
// torch::autograd::Function whose forward calls the op again below autograd (the CPU, CUDA or fake
// kernel) and whose backward calls the op's backward op, so torch.compile traces both. The fake
// kernels stay in gradekit/ops/__init__.py.
#include <ATen/core/dispatch/Dispatcher.h>
#include <torch/autograd.h>
#include <torch/library.h>

#include <string>
#include <string_view>

namespace gradekit {
namespace {

using at::IntArrayRef;
using at::Tensor;
using torch::autograd::AutogradContext;
using torch::autograd::variable_list;

template <class Signature>
c10::TypedOperatorHandle<Signature> op(const char* name) {
  return c10::Dispatcher::singleton().findSchemaOrThrow(name, "").typed<Signature>();
}

// The op's kernel for these inputs' backend, without autograd.
template <class Signature, class... Args>
Tensor below_autograd(const c10::TypedOperatorHandle<Signature>& handle, Args&&... args) {
  at::AutoDispatchBelowADInplaceOrView below;
  return handle.call(std::forward<Args>(args)...);
}

// False when no graph is recorded (grad mode off, or no input needs a gradient): the op then runs
// below autograd at once, without building a node and a context that nothing would use.
bool records_graph(std::initializer_list<const Tensor*> inputs) {
  if (!at::GradMode::is_enabled()) {
    return false;
  }
  for (const Tensor* t : inputs) {
    if (t->defined() && t->requires_grad()) {
      return true;
    }
  }
  return false;
}

using WindowSig = Tensor(const Tensor&, IntArrayRef, IntArrayRef, IntArrayRef);
using ExtremeBackwardSig = Tensor(const Tensor&, const Tensor&, IntArrayRef, IntArrayRef, IntArrayRef);
using AvgBackwardSig = Tensor(const Tensor&, c10::SymInt, c10::SymInt, IntArrayRef, IntArrayRef,
                              IntArrayRef);

void save_window(AutogradContext* ctx, IntArrayRef kernel_size, IntArrayRef stride,
                 IntArrayRef padding) {
  ctx->saved_data["kernel_size"] = kernel_size.vec();
  ctx->saved_data["stride"] = stride.vec();
  ctx->saved_data["padding"] = padding.vec();
}

// The window of a pooling call, as saved by save_window.
struct Window {
  std::vector<int64_t> kernel_size, stride, padding;
  explicit Window(AutogradContext* ctx)
      : kernel_size(ctx->saved_data["kernel_size"].toIntVector()),
        stride(ctx->saved_data["stride"].toIntVector()),
        padding(ctx->saved_data["padding"].toIntVector()) {}
};

struct MaxNames {
  static constexpr const char* forward = "gradekit::max_pool2d";
  static constexpr const char* backward = "gradekit::max_pool2d_backward";
};
struct MinNames {
  static constexpr const char* forward = "gradekit::min_pool2d";
  static constexpr const char* backward = "gradekit::min_pool2d_backward";
};

// Max and min pool: backward reads x again to find each window's pick (see pool2d.cpp). Each op's
// handle is looked up once, in a static of its own: one per instantiation, so one per op name.
template <class Names>
struct ExtremePool : torch::autograd::Function<ExtremePool<Names>> {
  static const c10::TypedOperatorHandle<WindowSig>& forward_op() {
    static const auto handle = op<WindowSig>(Names::forward);
    return handle;
  }

  static Tensor forward(AutogradContext* ctx, const Tensor& x, IntArrayRef kernel_size,
                        IntArrayRef stride, IntArrayRef padding) {
    ctx->save_for_backward({x});
    save_window(ctx, kernel_size, stride, padding);
    return below_autograd(forward_op(), x, kernel_size, stride, padding);
  }

  static variable_list backward(AutogradContext* ctx, variable_list grads) {
    static const auto backward_op = op<ExtremeBackwardSig>(Names::backward);
    const Window w(ctx);
    const Tensor x = ctx->get_saved_variables()[0];
    return {backward_op.call(grads[0], x, w.kernel_size, w.stride, w.padding), Tensor(), Tensor(),
            Tensor()};
  }
};

// Average pool: backward needs only x's height and width, so x itself is not kept.
struct AvgPool : torch::autograd::Function<AvgPool> {
  static const c10::TypedOperatorHandle<WindowSig>& forward_op() {
    static const auto handle = op<WindowSig>("gradekit::avg_pool2d");
    return handle;
  }

  static Tensor forward(AutogradContext* ctx, const Tensor& x, IntArrayRef kernel_size,
                        IntArrayRef stride, IntArrayRef padding) {
    ctx->saved_data["height"] = x.sym_size(2);
    ctx->saved_data["width"] = x.sym_size(3);
    save_window(ctx, kernel_size, stride, padding);
    return below_autograd(forward_op(), x, kernel_size, stride, padding);
  }

  static variable_list backward(AutogradContext* ctx, variable_list grads) {
    static const auto backward_op = op<AvgBackwardSig>("gradekit::avg_pool2d_backward");
    const Window w(ctx);
    return {backward_op.call(grads[0], ctx->saved_data["height"].toSymInt(),
                             ctx->saved_data["width"].toSymInt(), w.kernel_size, w.stride,
                             w.padding),
            Tensor(), Tensor(), Tensor()};
  }
};

using LrnSig = Tensor(const Tensor&, int64_t, double, double, double, std::string_view);
using LrnBackwardSig = Tensor(const Tensor&, const Tensor&, int64_t, double, double, double,
                              std::string_view);

struct Lrn : torch::autograd::Function<Lrn> {
  static const c10::TypedOperatorHandle<LrnSig>& forward_op() {
    static const auto handle = op<LrnSig>("gradekit::lrn");
    return handle;
  }

  static Tensor forward(AutogradContext* ctx, const Tensor& x, int64_t size, double alpha,
                        double beta, double k, std::string_view convention) {
    ctx->save_for_backward({x});
    ctx->saved_data["size"] = size;
    ctx->saved_data["alpha"] = alpha;
    ctx->saved_data["beta"] = beta;
    ctx->saved_data["k"] = k;
    ctx->saved_data["convention"] = std::string(convention);
    return below_autograd(forward_op(), x, size, alpha, beta, k, convention);
  }

  static variable_list backward(AutogradContext* ctx, variable_list grads) {
    static const auto backward_op = op<LrnBackwardSig>("gradekit::lrn_backward");
    auto& saved = ctx->saved_data;
    const Tensor gx = backward_op.call(
        grads[0], ctx->get_saved_variables()[0], saved["size"].toInt(), saved["alpha"].toDouble(),
        saved["beta"].toDouble(), saved["k"].toDouble(), saved["convention"].toStringRef());
    return {gx, Tensor(), Tensor(), Tensor(), Tensor(), Tensor()};
  }
};

using ConvSig = Tensor(const Tensor&, const Tensor&, const std::optional<Tensor>&, IntArrayRef,
                       IntArrayRef, IntArrayRef, int64_t);
using ConvBackwardInputSig = Tensor(const Tensor&, const Tensor&, c10::SymInt, c10::SymInt,
                                    IntArrayRef, IntArrayRef, IntArrayRef, int64_t);
using ConvBackwardWeightSig = std::tuple<Tensor, Tensor>(const Tensor&, const Tensor&, c10::SymInt,
                                                         c10::SymInt, IntArrayRef, IntArrayRef,
                                                         IntArrayRef, int64_t);

struct Conv2d : torch::autograd::Function<Conv2d> {
  static const c10::TypedOperatorHandle<ConvSig>& forward_op() {
    static const auto handle = op<ConvSig>("gradekit::conv2d");
    return handle;
  }

  static Tensor forward(AutogradContext* ctx, const Tensor& x, const Tensor& w,
                        const std::optional<Tensor>& b, IntArrayRef stride, IntArrayRef padding,
                        IntArrayRef dilation, int64_t groups) {
    ctx->save_for_backward({x, w});
    ctx->saved_data["stride"] = stride.vec();
    ctx->saved_data["padding"] = padding.vec();
    ctx->saved_data["dilation"] = dilation.vec();
    ctx->saved_data["groups"] = groups;
    // An absent bias is no input of the graph: it has no edge to ask needs_input_grad about.
    ctx->saved_data["has_bias"] = b.has_value() && b->defined();
    return below_autograd(forward_op(), x, w, b, stride, padding, dilation, groups);
  }

  static variable_list backward(AutogradContext* ctx, variable_list grads) {
    static const auto input_op = op<ConvBackwardInputSig>("gradekit::conv2d_backward_input");
    static const auto weight_op = op<ConvBackwardWeightSig>("gradekit::conv2d_backward_weight");
    const auto saved = ctx->get_saved_variables();
    const Tensor &x = saved[0], &w = saved[1];
    auto& data = ctx->saved_data;
    const auto stride = data["stride"].toIntVector(), padding = data["padding"].toIntVector(),
               dilation = data["dilation"].toIntVector();
    const int64_t groups = data["groups"].toInt();
    Tensor gx, gw, gb;
    if (ctx->needs_input_grad(0)) {
      gx = input_op.call(grads[0], w, x.sym_size(2), x.sym_size(3), stride, padding, dilation,
                         groups);
    }
    const bool needs_w = ctx->needs_input_grad(1);
    const bool needs_b = data["has_bias"].toBool() && ctx->needs_input_grad(2);
    if (needs_w || needs_b) {
      std::tie(gw, gb) = weight_op.call(grads[0], x, w.sym_size(2), w.sym_size(3), stride,
                                        padding, dilation, groups);
    }
    return {gx, needs_w ? gw : Tensor(), needs_b ? gb : Tensor(), Tensor(), Tensor(), Tensor(),
            Tensor()};
  }
};

// The Autograd kernel of a pooling op: its Function when a graph is recorded, else the op itself.
template <class Pool>
Tensor pool2d_autograd(const Tensor& x, IntArrayRef kernel_size, IntArrayRef stride,
                       IntArrayRef padding) {
  if (!records_graph({&x})) {
    return below_autograd(Pool::forward_op(), x, kernel_size, stride, padding);
  }
  return Pool::apply(x, kernel_size, stride, padding);
}

Tensor lrn_autograd(const Tensor& x, int64_t size, double alpha, double beta, double k,
                    std::string_view convention) {
  if (!records_graph({&x})) {
    return below_autograd(Lrn::forward_op(), x, size, alpha, beta, k, convention);
  }
  return Lrn::apply(x, size, alpha, beta, k, convention);
}

Tensor conv2d_autograd(const Tensor& x, const Tensor& w, const std::optional<Tensor>& b,
                       IntArrayRef stride, IntArrayRef padding, IntArrayRef dilation,
                       int64_t groups) {
  const Tensor bias = b.has_value() ? *b : Tensor();
  if (!records_graph({&x, &w, &bias})) {
    return below_autograd(Conv2d::forward_op(), x, w, b, stride, padding, dilation, groups);
  }
  return Conv2d::apply(x, w, b, stride, padding, dilation, groups);
}

}  // namespace

TORCH_LIBRARY_IMPL(gradekit, Autograd, m) {
  m.impl("max_pool2d", &pool2d_autograd<ExtremePool<MaxNames>>);
  m.impl("min_pool2d", &pool2d_autograd<ExtremePool<MinNames>>);
  m.impl("avg_pool2d", &pool2d_autograd<AvgPool>);
  m.impl("lrn", &lrn_autograd);
  m.impl("conv2d", &conv2d_autograd);
}

}  // namespace gradekit
