"""q7.10, q7.11: AlexNet and GoogLeNet at ImageNet size on CIFAR-10-shaped data.

Shapes and counts are compared with torch's own interpolation, torchvision's GoogLeNet and the
layer arithmetic; the SGD step is compared with the same step taken by the test itself, on a model
of the same architecture that starts from the same weights (gradekit.checks.twins.sgd_step_result). Images: gradekit.data.cifar10_like, kept to 2-4 per batch."""
import pytest
import torch
import torch.nn.functional as F
import torchvision

import gradekit
from gradekit import data, ops, probes
from gradekit.checks import q7 as checks_q7
from gradekit.checks import twins
from gradekit.probes import q5 as probes_q5
from gradekit.probes import q7 as probes_q7
from gradekit.testing import assert_close, assert_equal

big_nets = gradekit.submission("q7.big_nets")

one_torch_thread = pytest.fixture(autouse=True)(checks_q7.one_torch_thread)


def cifar_batch(n, size, seed):
    """n CIFAR-10-shaped images (3x32x32 in [0, 1]) bilinearly resized to size x size, and their labels."""
    X, y = (torch.from_numpy(a) for a in data.as_arrays(data.cifar10_like(n, 32, seed=seed)))
    return F.interpolate(X, size=(size, size), mode="bilinear", align_corners=False), y


def alexnet224_parameters(num_classes):
    """conv (k*k*c_in + 1) * c_out and linear (in + 1) * out, layer by layer."""
    convs = [(11, 3, 96), (5, 96, 256), (3, 256, 384), (3, 384, 384), (3, 384, 256)]
    linears = [(256 * 6 * 6, 4096), (4096, 4096), (4096, num_classes)]
    return sum((k * k * c_in + 1) * c_out for k, c_in, c_out in convs) + sum((i + 1) * o for i, o in linears)


def googlenet_parameters(num_classes):
    model = torchvision.models.googlenet(weights=None, aux_logits=True, init_weights=False, num_classes=num_classes)
    return sum(p.numel() for p in model.parameters())


@pytest.mark.task("q7.10")
def test_resize_images_is_bilinear():
    x = torch.rand(2, 3, 32, 32, generator=torch.Generator().manual_seed(40))
    for size in (224, 96):
        expected = F.interpolate(x, size=(size, size), mode="bilinear", align_corners=False)
        assert_close(big_nets.resize_images(x, size), expected, rtol=1e-5, atol=1e-6, name=f"resize_images(x, {size})")


@pytest.mark.task("q7.10")
def test_alexnet224_layers_and_output():
    x, _ = cifar_batch(2, 224, seed=41)
    model = probes.seeded_call(big_nets.AlexNet224, 42, 10)
    assert_equal(probes.param_count(model), alexnet224_parameters(10), name="AlexNet224(10)'s parameter count")
    rows = probes.output_shapes(model, x)
    shapes = {cls: [shape for _, c, shape in rows if c == cls] for cls in ("Conv2d", "LocalResponseNorm", "MaxPool2d")}
    assert_equal(shapes["Conv2d"], [(2, 96, 55, 55), (2, 256, 27, 27), (2, 384, 13, 13), (2, 384, 13, 13),
                                    (2, 256, 13, 13)], name="output shapes of AlexNet224's convolutions on 224x224 input")
    assert_equal(shapes["LocalResponseNorm"], [(2, 96, 55, 55), (2, 256, 27, 27)], name="output shapes of its LRN layers")
    assert_equal(shapes["MaxPool2d"], [(2, 96, 27, 27), (2, 256, 13, 13), (2, 256, 6, 6)],
                 name="output shapes of its max-pooling layers")
    assert_equal(tuple(probes.forward(model, x).shape), (2, 10), name="AlexNet224(10)(x).shape")
    # The LRN layers are gradekit's, with the paper's constants and convention.
    a = 30 * torch.randn(1, 96, 5, 5, generator=torch.Generator().manual_seed(43))
    for name in [n for n, c, _ in rows if c == "LocalResponseNorm"]:
        assert probes_q5.submodule_is_instance(model, name, "gradekit.ops.LocalResponseNorm"), (
            f"AlexNet224's {name} should be gradekit.ops.LocalResponseNorm")
        assert_close(probes_q5.run_submodule(model, name, a), ops.lrn(a, 5, 1e-4, 0.75, 2.0, "alexnet"),
                     rtol=1e-5, atol=1e-6, name=f"AlexNet224's {name} (size 5, alpha 1e-4, beta 0.75, k 2, 'alexnet')")


@pytest.mark.task("q7.10")
def test_googlenet_has_aux_outputs_only_in_training():
    model = probes.seeded_call(big_nets.build_googlenet, 44, 10)
    assert_equal(probes.param_count(model), googlenet_parameters(10),
                 name="build_googlenet(10)'s parameter count (torchvision's GoogLeNet with both auxiliary classifiers)")
    x, _ = cifar_batch(2, 96, seed=45)
    assert_equal(probes_q7.output_shapes_by_mode(model, x), {"train": [(2, 10)] * 3, "eval": [(2, 10)]},
                 name="shapes of build_googlenet(10)'s outputs in training mode (logits, aux2, aux1) and in eval mode")
    # torchvision's initialization: truncated normal, std 0.01 (PyTorch's default would give about 0.1 here).
    std = float(probes.state_dict(model)["conv1.conv.weight"].std())
    assert 0.008 < std < 0.012, f"conv1's weights have std {std:.4f}: build it with init_weights=True (std 0.01)"


@pytest.mark.task("q7.11")
def test_classification_loss_weighs_auxiliary_outputs():
    g = torch.Generator().manual_seed(46)
    main, aux2, aux1 = (torch.randn(5, 10, generator=g) for _ in range(3))
    y = torch.randint(0, 10, (5,), generator=g)
    assert_close(big_nets.classification_loss(main, y), F.cross_entropy(main, y), rtol=1e-6,
                 name="classification_loss(logits, y)", mistakes=checks_q7.softmax_loss_mistakes(main, y))
    expected = F.cross_entropy(main, y) + 0.3 * (F.cross_entropy(aux2, y) + F.cross_entropy(aux1, y))
    assert_close(big_nets.classification_loss((main, aux2, aux1), y), expected, rtol=1e-6,
                 name="classification_loss((logits, aux2, aux1), y), auxiliary losses weighted 0.3",
                 mistakes=checks_q7.softmax_loss_mistakes((main, aux2, aux1), y))


def check_sgd_step(name, seed, x, y, lr, what):
    """train_step once on the student's name(10), against the same step on the course's own name(10)."""
    __tracebackhide__ = True
    model = getattr(big_nets, name)(10)
    torch.manual_seed(seed)  # the twin's weights, which the student's model starts from too
    twin = twins.course_model(model, "q7.big_nets", name, 10)
    checks_q7.assert_sgd_step(twins.sgd_step_result(big_nets.train_step, model, twin, x, y, lr, seed), what)


@pytest.mark.task("q7.11")
def test_train_step_is_one_sgd_step():
    x, y = cifar_batch(2, 224, seed=47)
    check_sgd_step("AlexNet224", 48, x, y, 0.01, "train_step(AlexNet224, ...)")
    x, y = cifar_batch(2, 96, seed=50)
    check_sgd_step("build_googlenet", 51, x, y, 0.01, "train_step(GoogLeNet, ...) with its auxiliary outputs")


def eval_loss(model, x, y):
    return float(F.cross_entropy(probes.forward(model, x), y))


@pytest.mark.task("q7.11")
def test_fit_batch_lowers_the_loss():
    # Measured with the reference (3 seeds each): AlexNet's evaluation loss on its 2 images falls
    # by 12% in 5 steps at lr 0.1, GoogLeNet's on 4 images by 2.4-3% (its training loss, with the
    # auxiliary terms, by 27-35%).
    for name, build, size, n, lr, seed, shrink in (("AlexNet224", big_nets.AlexNet224, 224, 2, 0.1, 53, 0.95),
                                                   ("GoogLeNet", big_nets.build_googlenet, 96, 4, 0.01, 54, 0.99)):
        what = f"fit_batch({name}, {n} images of {size}x{size}, steps=5, lr={lr})"
        x, y = cifar_batch(n, size, seed)
        model = probes.seeded_call(build, seed, 10)
        before = eval_loss(model, x, y)
        losses = big_nets.fit_batch(model, x, y, 5, lr, 0)
        assert isinstance(losses, list) and len(losses) == 5 and all(isinstance(v, float) for v in losses), (
            f"{what} should return a list of 5 floats, got {losses!r}")
        assert losses[-1] < losses[0], f"{what}: the training loss should fall, got {losses}"
        after = eval_loss(model, x, y)
        assert after < shrink * before, (
            f"{what}: the evaluation-mode loss on the batch went from {before:.4f} to {after:.4f}, "
            f"expected below {shrink * before:.4f}")
