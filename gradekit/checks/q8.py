"""Trusted references for q8 (transfer learning), shared by its visible and hidden tests.

They never touch a student object: they compute, in the test's own process, where a random crop
came from and what a SmallCNN with given weights outputs (with gradekit.backbone), and compare a
preprocessed photo with the fingerprint recorded from torchvision's resize and crop. The function
that computes that preprocessing is the answer to q8.2, so it lives beside the hidden tests
(solutions/q8/hidden/references.py) and does not ship. The student's models are read through
gradekit.probes.
"""

from __future__ import annotations

import functools

PIXEL_ATOL = 0.02  # resizing in float (torchvision) or in bytes (PIL) differs by one gray level, 2/255 here


def photo_cases() -> dict:
    """The photos q8.2's visible tests preprocess, by the name their recorded fingerprint has.

    chelsea (300 x 451) as uint8 RGB, RGBA and gray; coffee (400 x 600) as float32 RGBA and RGB
    in [0, 1], as matplotlib.image.imread reads a PNG.
    """
    import numpy as np

    from gradekit import data

    chelsea = data.photo("chelsea")
    coffee = data.photo("coffee").astype(np.float32) / 255
    return {
        "chelsea RGB": chelsea,
        "chelsea RGBA": with_alpha(chelsea, seed=2),
        "chelsea gray": data.photo("chelsea", gray=True),
        "coffee RGBA": with_alpha(coffee, seed=3),
        "coffee RGB": coffee,
    }


def assert_recorded_preprocess(out, case: str, what: str) -> None:
    """inception_preprocess's output for photo_cases()[case]: 299x299, float32, in [-1, 1], and the
    recorded fingerprint of torchvision's resize and crop (gradekit.checks.recorded)."""
    __tracebackhide__ = True
    from gradekit.checks import recorded
    from gradekit.testing import assert_equal

    assert_equal(str(out.dtype), "torch.float32", name=f"the dtype of {what}")
    low, high = float(out.min()), float(out.max())
    assert low >= -1 - 1e-5 and high <= 1 + 1e-5, f"{what} has values in [{low:.4f}, {high:.4f}], expected [-1, 1]"
    recorded.assert_fingerprint(out, recorded.load("q8")[case], atol=PIXEL_ATOL, mean_atol=0.005, name=what)


def with_alpha(rgb, seed: int):
    """The same picture as RGBA: a random alpha channel appended (which preprocessing must drop)."""
    import numpy as np

    alpha = np.random.default_rng(seed).integers(0, 256, rgb.shape[:2]).astype(rgb.dtype)
    if rgb.dtype != np.uint8:
        alpha = (alpha / 255).astype(rgb.dtype)
    return np.concatenate([rgb, alpha[:, :, None]], axis=2)


def find_crops(out, source, samples: int = 64) -> list[tuple[int, int, bool]]:
    """Every (top, left, flipped) such that `out` is exactly that window of `source`, mirrored if flipped.

    Inputs:
    - out: tensor (C, s, s); source: tensor (C, H, W) with H, W >= s

    Candidates are first screened on `samples` fixed pixels (cheap for 299-pixel crops of a photo),
    then compared in full. Returns a list, empty when out is no window of source.
    """
    import numpy as np

    out, src = np.asarray(out), np.asarray(source)
    if out.ndim != 3 or out.shape[0] != src.shape[0] or out.shape[1] != out.shape[2]:
        return []
    s = out.shape[1]
    rows, cols = src.shape[1] - s + 1, src.shape[2] - s + 1
    if rows < 1 or cols < 1:
        return []
    rng = np.random.default_rng(0)
    i, j = rng.integers(0, s, samples), rng.integers(0, s, samples)
    tops, lefts = np.arange(rows)[:, None, None], np.arange(cols)[None, :, None]
    found = []
    for flipped in (False, True):
        cj = (s - 1 - j) if flipped else j  # a mirrored crop reads column s-1-j of the window
        screen = np.all(src[:, tops + i, lefts + cj] == out[:, i, j][:, None, None, :], axis=(0, 3))
        for top, left in zip(*np.nonzero(screen)):
            window = src[:, top : top + s, left : left + s]
            if np.array_equal(window[:, :, ::-1] if flipped else window, out):
                found.append((int(top), int(left), flipped))
    return found


def small_cnn_logits(state: dict, x):
    """Logits of a gradekit.backbone.SmallCNN holding `state` (a state dict), in eval mode, without gradients."""
    import torch

    from gradekit import backbone

    model = backbone.SmallCNN(num_classes=state["classifier.weight"].shape[0])
    model.load_state_dict(state)
    with torch.set_grad_enabled(False):
        return model.eval()(x)


def features_of(state: dict) -> dict:
    """The `features.*` entries of a state dict (parameters and batch-norm buffers of the backbone)."""
    return {k: v for k, v in state.items() if k.startswith("features.")}


def assert_same_features(state: dict, expected: dict, *, what: str) -> None:
    """Every backbone entry of `state` is bit-identical to `expected`'s (a frozen backbone changes in nothing)."""
    __tracebackhide__ = True
    from gradekit.testing import assert_equal

    got, want = features_of(state), features_of(expected)
    assert_equal(sorted(got), sorted(want), name=f"{what}: the backbone's state_dict keys")
    for key, value in want.items():
        assert_equal(got[key], value, name=f"{what}: {key} (a frozen backbone must not change)")


def held_out_task(split: str):
    """The transfer task: the Fashion-MNIST classes the backbone never saw, relabelled 0, 1, 2, ...

    Inputs:
    - split: 'train' or 'test'

    Returns:
    - x: tensor (N, 1, 28, 28), float32 in [0, 1]; y: tensor (N,), int64 (class i is
      gradekit.backbone.HELD_OUT_CLASSES[i]); in Fashion-MNIST's order. Fresh tensors on every
      call (the images are read once per process: decoding 60,000 takes seconds).
    """
    import torch

    pixels, labels = _held_out_arrays(split)
    return torch.from_numpy(pixels.copy()), torch.from_numpy(labels.copy())


@functools.lru_cache(maxsize=2)
def _held_out_arrays(split: str):
    from gradekit import backbone, data, pretrain

    # The same task the checkpoint's transfer table was measured on (gradekit.pretrain.transfer_task).
    return pretrain.select_classes(*data.as_arrays(data.fashion_mnist(split)), backbone.HELD_OUT_CLASSES)


def new_task_accuracy(model, x, y, what: str) -> float:
    """Accuracy of a student's 4-class model on (x, y), its logits first checked against its own weights.

    The check (on the first 200 images) makes sure the accuracy is that of a SmallCNN holding the
    weights the model reports, so both arms of the comparison have the same architecture.
    """
    __tracebackhide__ = True
    from gradekit import backbone, probes
    from gradekit.testing import assert_close, assert_equal

    logits = probes.forward(model, x)
    assert_equal(tuple(logits.shape), (len(x), len(backbone.HELD_OUT_CLASSES)), name=f"the logits' shape of {what}")
    assert_close(
        logits[:200],
        small_cnn_logits(probes.state_dict(model), x[:200]),
        rtol=1e-4,
        atol=1e-4,
        name=f"{what}'s logits, against a SmallCNN holding its weights",
    )
    return float((logits.argmax(1) == y).float().mean())


def transfer_gain(fit_finetune, fit_scratch, per_class: int, seeds, scratch_floor: float):
    """Mean over seeds of (fine-tuned accuracy - scratch accuracy) on 2,000 test images of the new task.

    Inputs:
    - fit_finetune, fit_scratch: the submission's functions (called here with plain data only)
    - per_class: labelled training images per class; each seed draws its own (gradekit.pretrain.few_labels,
      as in the checkpoint's transfer table), and both
      nets get the same ones and the same budget (100 steps)
    - seeds: the seeds to average over
    - scratch_floor: the accuracy an honestly trained scratch net reaches on every seed

    Returns:
    - (mean gain, list of the gains per seed)
    """
    __tracebackhide__ = True
    import numpy as np
    import torch

    from gradekit import backbone, pretrain, probes

    n_classes = len(backbone.HELD_OUT_CLASSES)
    x_pool, y_pool = held_out_task("train")
    x_test, y_test = held_out_task("test")
    x_test, y_test = x_test[:2000], y_test[:2000]
    pretrained_conv1 = backbone.load_pretrained().state_dict()["features.conv1.weight"]
    gains = []
    for seed in seeds:
        pick = torch.from_numpy(pretrain.few_labels(y_pool.numpy(), per_class, seed))
        x, y = x_pool[pick], y_pool[pick]
        tuned = fit_finetune(x, y, n_classes, 100, seed)
        scratch = fit_scratch(x, y, n_classes, 100, seed)
        conv1 = probes.state_dict(scratch)["features.conv1.weight"]
        if torch.allclose(conv1, pretrained_conv1, atol=1e-3):
            raise AssertionError(
                "fit_scratch's model starts from the pretrained weights; it must start from random ones"
            )
        a_tuned = new_task_accuracy(tuned, x_test, y_test, f"fit_finetune's model (seed {seed})")
        a_scratch = new_task_accuracy(scratch, x_test, y_test, f"fit_scratch's model (seed {seed})")
        if a_scratch < scratch_floor:
            raise AssertionError(
                f"fit_scratch reaches {a_scratch:.3f} with {per_class} labels per class (seed {seed}); trained as "
                f"its docstring says it reaches at least {scratch_floor} (chance is 0.25)"
            )
        gains.append(a_tuned - a_scratch)
    return float(np.mean(gains)), gains


def train_step_loss_mistakes(state: dict, x, y) -> dict:
    """train_step's loss when the whole model trains, frozen batch norm included, for ``mistakes=``.

    In train mode batch norm normalises with the batch's statistics (and moves its running ones):
    the loss of that forward pass is what a model.train() over a frozen backbone reports.
    """
    import torch
    import torch.nn.functional as F

    from gradekit import backbone
    from gradekit.checks import mistakes

    model = backbone.SmallCNN(num_classes=state["classifier.weight"].shape[0])
    model.load_state_dict(state)
    with torch.set_grad_enabled(False):
        loss = F.cross_entropy(model.train()(x), y)
    return {mistakes.FROZEN_BATCH_NORM_MOVES: loss}
