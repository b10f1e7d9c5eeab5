"""Trusted helpers for q7 (training and evaluation), shared by its visible and hidden tests.

They run in the test's own process: they load the digits the tests train on, split off held-out
digits, time a call, and check the plain data a training run returned. The student's objects are
reached only through probes (gradekit.probes and gradekit.probes.q6/q7).
"""

from __future__ import annotations


def assert_sgd_step(result: dict, what: str) -> None:
    """gradekit.checks.twins.sgd_step_result's result: the loss returned as a float equal to the reference's, every
    parameter the reference moved moved too, and the weights within 0.1% of the largest update."""
    __tracebackhide__ = True
    from gradekit.testing import assert_close

    if not isinstance(result["loss"], float):
        raise AssertionError(f"{what} should return the loss as a Python float, got {result['loss']}")
    assert_close(result["loss"], result["reference_loss"], rtol=1e-5, name=f"{what}: the loss it returned")
    if not result["largest_update"] > 0:
        raise AssertionError(f"{what}: the reference step moved nothing")
    if result["unchanged"]:
        raise AssertionError(f"{what} left these parameters unchanged: {result['unchanged'][:5]}")
    if result.get("nonfinite"):
        raise AssertionError(f"{what} left NaN or infinite values in these parameters: {result['nonfinite'][:5]}")
    allowed = 1e-7 + 1e-3 * result["largest_update"]
    if not result["max_difference"] <= allowed:  # written so that a NaN difference fails too
        raise AssertionError(
            f"{what}: the weights after the step differ from p - lr * p.grad by up to "
            f"{result['max_difference']:.3g} (allowed {allowed:.3g}; the largest update was "
            f"{result['largest_update']:.3g})"
        )


def one_torch_thread():
    """Generator for an autouse fixture: torch uses one thread while a q7 test runs, then what it had.

    On a shared two-core machine, torch's two intra-op threads spend most of their time waiting
    for each other: one thread trained LeNet-5 3 to 10 times faster there. In grade mode a task's
    worker starts with the thread count of the test that first uses it, so it gets one thread too.
    The time limits of q7 are stated for one thread.
    """
    import torch

    before = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        yield
    finally:
        torch.set_num_threads(before)


def mnist_tensors(split: str):
    """gradekit.data.mnist(split) as tensors: X float32 (N, 1, 28, 28) in [0, 1], y int64 (N,)."""
    import torch

    from gradekit import data

    X, y = data.as_arrays(data.mnist(split))
    return torch.from_numpy(X), torch.from_numpy(y)


def heldout_digits(held_out: int, seed: int):
    """Digits to train on and digits to test on that the student's own tests never held out.

    `held_out` training digits (a stratified draw under `seed`) are kept back; the rest of the
    training digits and the whole test split form the training set, as large as the usual one when
    held_out equals the test split's size.

    Returns:
    - (X_fit, y_fit, X_held, y_held): float32 (N, 1, 28, 28) images in [0, 1] and int64 labels
    """
    import torch

    from gradekit import data

    train = data.mnist("train")
    keep, held = data.train_val_split(train, val_fraction=held_out / len(train), seed=seed)
    X_keep, y_keep = (torch.from_numpy(a) for a in data.as_arrays(keep))
    X_held, y_held = (torch.from_numpy(a) for a in data.as_arrays(held))
    X_test, y_test = mnist_tensors("test")
    return torch.cat([X_keep, X_test]), torch.cat([y_keep, y_test]), X_held, y_held


def accuracy_of(logits, y) -> float:
    """Fraction of rows whose largest logit is at the label; logits (N, K), y (N,)."""
    __tracebackhide__ = True
    import torch

    if not isinstance(logits, torch.Tensor) or tuple(logits.shape) != (len(y), 10):
        shape = tuple(logits.shape) if isinstance(logits, torch.Tensor) else type(logits).__name__
        raise AssertionError(f"the model's output is {shape}, expected logits of shape ({len(y)}, 10)")
    return float((logits.argmax(dim=1) == y).double().mean())


def timed(fn, *args, **kwargs):
    """(fn(*args, **kwargs), wall seconds it took); in grade mode the call runs in the task's worker."""
    import time

    start = time.perf_counter()
    result = fn(*args, **kwargs)
    return result, time.perf_counter() - start


class Once:
    """Run an expensive call once per test session and replay its result, or its exception, after.

    Several tier tests read one trained model's accuracy; a failure (a stub's NotImplementedError,
    a time limit) is raised again in each of them rather than retrained.
    """

    def __init__(self):
        self._results: dict = {}

    def __call__(self, key, fn):
        if key not in self._results:
            try:
                self._results[key] = (True, fn())
            except Exception as exc:  # noqa: BLE001 - replayed to every test that needs this result
                self._results[key] = (False, exc)
        ok, value = self._results[key]
        if not ok:
            raise value
        return value


HISTORY_KEYS = ("train_loss", "train_acc", "val_loss", "val_acc", "epoch_time")


def assert_history(history, epochs: int, seconds: float, what: str = "train(...)") -> None:
    """A history as training.train returns it: the five keys, one finite float per epoch, accuracies
    in [0, 1], positive epoch times that add up to no more than the call took."""
    __tracebackhide__ = True
    import math

    if not isinstance(history, dict):
        raise AssertionError(f"{what} returned a {type(history).__name__}, expected a dict of lists")
    missing = [k for k in HISTORY_KEYS if k not in history]
    if missing:
        raise AssertionError(f"{what}: the history has no {missing} (keys: {sorted(history)})")
    for key in HISTORY_KEYS:
        values = history[key]
        if not isinstance(values, list) or len(values) != epochs:
            raise AssertionError(
                f"{what}: history['{key}'] should be a list of {epochs} floats, one per epoch, got {values!r}"
            )
        if not all(isinstance(v, (int, float)) and math.isfinite(v) for v in values):
            raise AssertionError(f"{what}: history['{key}'] has a value that is not a finite number: {values}")
    for key in ("train_acc", "val_acc"):
        if not all(0 <= v <= 1 for v in history[key]):
            raise AssertionError(f"{what}: history['{key}'] should hold fractions in [0, 1], got {history[key]}")
    if not all(t > 0 for t in history["epoch_time"]) or not sum(history["epoch_time"]) <= seconds:
        raise AssertionError(
            f"{what}: history['epoch_time'] = {history['epoch_time']} should be positive seconds "
            f"adding up to at most the {seconds:.2f} s the whole call took"
        )


def assert_loss_falls(history, what: str = "train(...)") -> None:
    """The training loss falls after every epoch: a loop that learns, not one that diverges."""
    __tracebackhide__ = True
    losses = history["train_loss"]
    if not all(b < a for a, b in zip(losses, losses[1:])):
        raise AssertionError(f"{what}: the training loss should fall after every epoch, got {losses}")


LENET5_PARAMETERS = 61_706  # q5's count: C1 156, C3 2,416, C5 48,120, F6 10,164, output 850


def assert_is_lenet5(model, what: str) -> None:
    """LeNet-5 itself: its parameter count, tanh and average subsampling, no ReLU or max pooling."""
    __tracebackhide__ = True
    from gradekit import probes
    from gradekit.testing import assert_equal

    assert_equal(probes.param_count(model), LENET5_PARAMETERS, name=f"{what}: the model's parameter count (LeNet-5's)")
    classes = {cls for _, cls in probes.module_classes(model)}
    if not ({"Tanh", "AvgPool2d"} <= classes and not classes & {"ReLU", "MaxPool2d"}):
        raise AssertionError(f"{what}: LeNet-5 uses tanh and average subsampling, the model has {sorted(classes)}")


def assert_in_time(seconds: float, max_seconds: float, what: str) -> None:
    """The run took at most max_seconds (a NaN time fails too)."""
    __tracebackhide__ = True
    if not seconds <= max_seconds:
        raise AssertionError(f"{what} took {seconds:.1f} s, the limit is {max_seconds:g} s")


def assert_is_cnn(model, what: str) -> None:
    """The model has at least one convolution."""
    __tracebackhide__ = True
    from gradekit import probes

    classes = {cls for _, cls in probes.module_classes(model)}
    if "Conv2d" not in classes:
        raise AssertionError(f"{what}: a CNN has convolutions; the model has {sorted(classes)}")


def train_and_score(train_fn, X, y, X_eval, y_eval, *, seed: int, max_seconds: float, check, what: str, twin=None):
    """Train with train_fn(X, y, seed=seed), check the model (check(model, what)) and its training time,
    and return (accuracy on X_eval, training seconds).

    The clock runs until what the accuracy needs is back: a submission that returns at once and
    trains when its model is first looked at or run has its training timed all the same. With
    ``twin`` (model -> a model of the course's own architecture built here, see course_model), the
    trained weights are pulled and the twin computes the logits in this process, so the
    submission's code never sees the digits it is scored on; without it (an architecture of the
    student's own), the model's own forward gives them.
    """
    __tracebackhide__ = True
    import time

    import torch

    from gradekit import probes

    start = time.perf_counter()
    model = train_fn(X, y, seed=seed)
    check(model, what)
    trained = probes.state_dict(model) if twin is not None else probes.forward(model, X_eval)
    seconds = time.perf_counter() - start
    assert_in_time(seconds, max_seconds, what)
    if twin is None:
        return accuracy_of(trained, y_eval), seconds
    trusted = twin(model)
    try:
        trusted.load_state_dict(trained)
    except (RuntimeError, TypeError) as exc:
        raise AssertionError(f"{what}: the trained weights do not fit the given architecture: {exc}") from None
    trusted.eval()
    with torch.no_grad():
        return accuracy_of(trusted(X_eval), y_eval), seconds


def assert_accuracy(accuracy: float, minimum: float, n: int, seconds: float, what: str) -> None:
    __tracebackhide__ = True
    if not accuracy >= minimum:
        raise AssertionError(
            f"{what}: accuracy {accuracy:.3f} on {n} digits it never trained on, expected >= "
            f"{minimum:g} (trained in {seconds:.1f} s)"
        )


def assert_stratified_split(labels, val_fraction: float, split, what: str) -> None:
    """Disjoint, complete, increasing int64 index tensors; each class's validation count is the floor
    or the ceil of val_fraction times its size."""
    __tracebackhide__ = True
    import math

    import torch

    from gradekit.testing import assert_equal

    train_idx, val_idx = split
    for name, idx in (("train_idx", train_idx), ("val_idx", val_idx)):
        if not (isinstance(idx, torch.Tensor) and idx.dtype == torch.int64 and idx.ndim == 1):
            raise AssertionError(
                f"{what}: {name} should be a 1-D int64 tensor, got {getattr(idx, 'dtype', type(idx).__name__)}"
            )
        if not bool((idx[1:] > idx[:-1]).all()):
            raise AssertionError(f"{what}: {name} should be in increasing order without repeats")
    both = torch.cat([train_idx, val_idx]).sort().values
    assert_equal(both, torch.arange(len(labels)), name=f"{what}: train_idx and val_idx together (each index once)")
    for c in labels.unique().tolist():
        n_c = int((labels == c).sum())
        got = int((labels[val_idx] == c).sum())
        share = val_fraction * n_c
        if not math.floor(share) <= got <= math.ceil(share):
            raise AssertionError(
                f"{what}: class {c} has {n_c} items and {got} in validation, expected floor or ceil of {share:g}"
            )


def assert_curves_figure(fig, path, history: dict, what: str) -> None:
    """plot_history's figure: a PNG at `path`, two axes titled by loss and accuracy, each with an
    'epoch' x label, a y label, a legend and 'train' and 'validation' lines over epochs 1..n whose
    y data are the history's values."""
    __tracebackhide__ = True
    from gradekit.checks.q5 import assert_png_drawn
    from gradekit.probes import q6 as probes_q6
    from gradekit.testing import assert_close, assert_equal

    assert_png_drawn(path, what=what)
    axes = probes_q6.line_plot_contents(fig)
    assert_equal(len(axes), 2, name=f"{what}: the number of axes (loss and accuracy side by side)")
    by_kind = {}
    for ax in axes:
        title = ax["title"].lower()
        kind = "loss" if "loss" in title else "acc" if "accuracy" in title else None
        if kind is None:
            raise AssertionError(f"{what}: the title {ax['title']!r} names neither the loss nor the accuracy")
        by_kind[kind] = ax
    assert_equal(sorted(by_kind), ["acc", "loss"], name=f"{what}: what the two axes show, by their titles")
    epochs = [float(e) for e in range(1, len(history["train_loss"]) + 1)]
    for kind, ax in by_kind.items():
        if "epoch" not in ax["xlabel"].lower():
            raise AssertionError(f"{what}: the x label {ax['xlabel']!r} of the {kind} axes should say epoch")
        if not ax["ylabel"].strip():
            raise AssertionError(f"{what}: the {kind} axes need a y label")
        lines = {label: (xs, ys) for label, xs, ys in ax["lines"]}
        if not {"train", "validation"} <= set(lines):
            raise AssertionError(
                f"{what}: the {kind} axes should have lines labelled 'train' and 'validation', got {sorted(lines)}"
            )
        if not {"train", "validation"} <= set(ax["legend"]):
            raise AssertionError(f"{what}: the {kind} axes need a legend naming 'train' and 'validation'")
        for label, part in (("train", "train"), ("validation", "val")):
            xs, ys = lines[label]
            assert_equal(xs, epochs, name=f"{what}: x data of the {kind} axes' {label} line (epochs from 1)")
            assert_close(
                ys, history[f"{part}_{kind}"], rtol=1e-12, name=f"{what}: y data of the {kind} axes' {label} line"
            )


def loss_and_accuracy(model, X, y) -> tuple[float, float]:
    """Mean cross-entropy and accuracy, computed here from the model's evaluation-mode logits."""
    import torch.nn.functional as F

    from gradekit import probes

    logits = probes.forward(model, X)
    return float(F.cross_entropy(logits, y)), accuracy_of(logits, y)


def assert_evaluation_types(got, what: str) -> None:
    """evaluate's result is (loss, accuracy), two Python floats."""
    __tracebackhide__ = True
    if not (isinstance(got, tuple) and len(got) == 2):
        raise AssertionError(f"{what} should return (loss, accuracy), got {got!r}")
    loss, acc = got
    if not (isinstance(loss, float) and isinstance(acc, float)):
        raise AssertionError(
            f"{what} should return two Python floats (use .item()), got {type(loss).__name__}, {type(acc).__name__}"
        )


def assert_evaluation(got, model, X, y, what: str) -> None:
    """evaluate's (loss, accuracy): two Python floats equal to the recomputed ones."""
    __tracebackhide__ = True
    from gradekit.testing import assert_close

    assert_evaluation_types(got, what)
    loss, acc = got
    expected_loss, expected_acc = loss_and_accuracy(model, X, y)
    assert_close(loss, expected_loss, rtol=1e-5, atol=1e-7, name=f"{what}: the mean cross-entropy")
    assert_close(acc, expected_acc, rtol=0, atol=1e-12, name=f"{what}: the accuracy")


def assert_trains_and_records(
    train_fn,
    model,
    X_train,
    y_train,
    X_val,
    y_val,
    epochs: int,
    lr: float,
    batch_size: int,
    seed: int,
    min_val_acc: float,
    what: str,
) -> None:
    """Run train_fn (the student's train) and check its history: structure and times, a training
    loss that falls every epoch, last entries equal to the trained model's evaluation, and a
    validation accuracy of at least min_val_acc."""
    __tracebackhide__ = True
    history, seconds = timed(train_fn, model, X_train, y_train, X_val, y_val, epochs, lr, batch_size, seed)
    assert_history(history, epochs, seconds, what)
    assert_loss_falls(history, what)
    assert_final_epoch(history, model, {"train": (X_train, y_train), "val": (X_val, y_val)}, what)
    if not history["val_acc"][-1] >= min_val_acc:
        raise AssertionError(f"{what}: validation accuracy {history['val_acc'][-1]:.3f}, expected >= {min_val_acc:g}")


def assert_final_epoch(history: dict, model, parts: dict, what: str) -> None:
    """The history's last entries are the trained model's evaluation on each part ({'train': (X, y), ...})."""
    __tracebackhide__ = True
    from gradekit.testing import assert_close

    for part, (X, y) in parts.items():
        loss, acc = loss_and_accuracy(model, X, y)
        assert_close(
            history[f"{part}_loss"][-1],
            loss,
            rtol=1e-4,
            atol=1e-6,
            name=f"{what}: history['{part}_loss'][-1], the trained model's loss on the {part} set",
        )
        assert_close(
            history[f"{part}_acc"][-1],
            acc,
            rtol=0,
            atol=1e-9,
            name=f"{what}: history['{part}_acc'][-1], the trained model's accuracy on the {part} set",
        )


def softmax_loss_mistakes(outputs, y) -> dict:
    """classification_loss(outputs, y) when softmax probabilities go into the cross-entropy, for ``mistakes=``.

    F.cross_entropy applies log-softmax itself; fed probabilities, it takes a second softmax.
    """
    import torch
    import torch.nn.functional as F

    from gradekit.checks import mistakes

    def loss(logits):
        return F.cross_entropy(F.softmax(logits, dim=1), y)

    if isinstance(outputs, torch.Tensor):
        return {mistakes.SOFTMAX_INTO_CROSS_ENTROPY: loss(outputs)}
    main, *aux = outputs
    return {mistakes.SOFTMAX_INTO_CROSS_ENTROPY: loss(main) + 0.3 * sum(loss(a) for a in aux)}
