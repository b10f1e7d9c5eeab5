"""Hidden tests of q7.10, q7.11: other class counts, batches of one, a list of outputs, frozen
parameters, and a small CNN fitting one batch of digits."""
import pytest
import torch
import torch.nn.functional as F
import torchvision

import gradekit
from gradekit import data, probes
from gradekit.checks import q7 as checks_q7
from gradekit.checks import twins
from gradekit.probes import q7 as probes_q7
from gradekit.testing import assert_close, assert_equal

big_nets = gradekit.submission("q7.big_nets")
training = gradekit.submission("q7.training")

one_torch_thread = pytest.fixture(autouse=True)(checks_q7.one_torch_thread)


@pytest.mark.task("q7.10")
def test_resize_gray_digits_and_one_rgb_image():
    g = torch.Generator().manual_seed(70)
    for x, size in ((torch.rand(3, 1, 28, 28, generator=g), 64), (torch.rand(1, 3, 32, 32, generator=g), 224),
                    (torch.rand(2, 3, 40, 40, generator=g), 20)):
        expected = F.interpolate(x, size=(size, size), mode="bilinear", align_corners=False)
        assert_close(big_nets.resize_images(x, size), expected, rtol=1e-5, atol=1e-6,
                     name=f"resize_images(x of shape {tuple(x.shape)}, {size})")


@pytest.mark.task("q7.10")
def test_seven_classes_and_a_batch_of_one():
    x = torch.from_numpy(data.as_arrays(data.cifar10_like(1, 32, seed=71))[0])
    alexnet = probes.seeded_call(big_nets.AlexNet224, 72, 7)
    # q5's one-device AlexNet has 62,378,344 parameters for 1000 classes; 7 classes take
    # (4096 + 1) * (1000 - 7) weights and biases off its last layer.
    assert_equal(probes.param_count(alexnet), 62_378_344 - 4097 * 993, name="AlexNet224(7)'s parameter count")
    out = probes.forward(alexnet, F.interpolate(x, size=(224, 224), mode="bilinear", align_corners=False))
    assert_equal(tuple(out.shape), (1, 7), name="AlexNet224(7) on one 224x224 image: the logits' shape")
    googlenet = probes.seeded_call(big_nets.build_googlenet, 73, 7)
    reference = torchvision.models.googlenet(weights=None, aux_logits=True, init_weights=False, num_classes=7)
    assert_equal(probes.param_count(googlenet), sum(p.numel() for p in reference.parameters()),
                 name="build_googlenet(7)'s parameter count")
    x2 = F.interpolate(torch.cat([x, x.flip(3)]), size=(64, 64), mode="bilinear", align_corners=False)
    assert_equal(probes_q7.output_shapes_by_mode(googlenet, x2), {"train": [(2, 7)] * 3, "eval": [(2, 7)]},
                 name="build_googlenet(7)'s outputs on two 64x64 images in training and evaluation mode")


@pytest.mark.task("q7.11")
def test_loss_of_a_list_and_of_googlenet_outputs():
    g = torch.Generator().manual_seed(74)
    main, aux = torch.randn(3, 4, generator=g), torch.randn(3, 4, generator=g)
    y = torch.tensor([0, 3, 1])
    assert_close(big_nets.classification_loss([main, aux], y),
                 F.cross_entropy(main, y) + 0.3 * F.cross_entropy(aux, y), rtol=1e-6,
                 name="classification_loss([logits, aux], y)")
    aux1 = torch.randn(3, 4, generator=g)
    outputs = torchvision.models.GoogLeNetOutputs(main, aux, aux1)
    expected = F.cross_entropy(main, y) + 0.3 * (F.cross_entropy(aux, y) + F.cross_entropy(aux1, y))
    assert_close(big_nets.classification_loss(outputs, y), expected, rtol=1e-6,
                 name="classification_loss(GoogLeNetOutputs(logits, aux2, aux1), y)")


@pytest.mark.task("q7.11")
def test_train_step_skips_frozen_parameters_and_fit_batch_learns():
    X, y = checks_q7.mnist_tensors("test")
    X, y = (X[::61][:16] - 0.13) / 0.31, y[::61][:16]  # the split is sorted by class: this takes all ten
    model = probes.seeded_call(training.SmallCNN, 75)
    frozen = probes_q7.freeze(model, "features.0.")
    assert_equal(frozen, ["features.0.weight"], name="the parameters frozen for this test")
    what = "train_step(SmallCNN with a frozen first convolution, 16 digits, lr=0.05)"
    torch.manual_seed(75)
    twin = twins.course_model(model, "q7.training", "SmallCNN")
    checks_q7.assert_sgd_step(twins.sgd_step_result(big_nets.train_step, model, twin, X, y, 0.05, 76), what)
    before = float(F.cross_entropy(probes.forward(model, X), y))
    losses = big_nets.fit_batch(model, X, y, 8, 0.05, 3)
    assert isinstance(losses, list) and len(losses) == 8, f"fit_batch(..., steps=8) should return 8 losses, got {losses!r}"
    after = float(F.cross_entropy(probes.forward(model, X), y))
    # The reference takes the evaluation loss on these 16 digits from about 2.0 to 0.7-0.8 (model seeds 75-77).
    assert after < 0.7 * before, f"fit_batch(SmallCNN, 16 digits, 8 steps): the loss went from {before:.3f} to {after:.3f}"
