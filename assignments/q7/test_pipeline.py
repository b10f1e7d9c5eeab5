"""q7.1-q7.3: the stratified split, normalization from the training split, the seeded loader.

Expected statistics are recomputed here in float64 with torch; the digits come from gradekit.data."""
import pytest
import torch

import gradekit
from gradekit import probes
from gradekit.checks import q7 as checks_q7
from gradekit.testing import assert_close, assert_equal

pipeline = gradekit.submission("q7.pipeline")

one_torch_thread = pytest.fixture(autouse=True)(checks_q7.one_torch_thread)


@pytest.mark.task("q7.1")
def test_split_keeps_each_class_share():
    # Unequal classes, one of a single item: the split must work per class, not on the whole set.
    labels = torch.tensor([0] * 7 + [1] * 40 + [2] * 13 + [3] * 100 + [4] * 1)
    labels = labels[torch.randperm(len(labels), generator=torch.Generator().manual_seed(0))]
    for fraction in (0.25, 0.5, 0.1):
        split = pipeline.stratified_split(labels, fraction, 3)
        checks_q7.assert_stratified_split(labels, fraction, split, f"stratified_split(labels, {fraction}, seed=3)")


@pytest.mark.task("q7.1")
def test_split_is_random_and_follows_its_seed():
    _, y = checks_q7.mnist_tensors("train")
    first = pipeline.stratified_split(y, 0.2, 7)
    checks_q7.assert_stratified_split(y, 0.2, first, "stratified_split(mnist labels, 0.2, seed=7)")
    again = pipeline.stratified_split(y, 0.2, 7)
    assert_equal(again[1], first[1], name="val_idx of a second call with seed 7")
    other = pipeline.stratified_split(y, 0.2, 8)
    assert not torch.equal(other[1], first[1]), "seeds 7 and 8 gave the same validation set: the draw must follow the seed"
    # Random within each class: not simply the first (or last) items of every class.
    for c in range(10):
        members = torch.nonzero(y == c).flatten()
        chosen = first[1][y[first[1]] == c]
        assert not (torch.equal(chosen, members[:len(chosen)]) or torch.equal(chosen, members[-len(chosen):])), (
            f"class {c}'s validation items are the first or last of the class, not a random draw")


def train_statistics(X, train_idx):
    """The expected normalization: float64 mean and population std over N, H, W of the training images."""
    part = X[train_idx].double()
    return part.mean(dim=(0, 2, 3)), part.std(dim=(0, 2, 3), correction=0)


def check_prepared(out, X, y, fraction, what):
    __tracebackhide__ = True
    assert isinstance(out, dict), f"{what} should return a dict, got {type(out).__name__}"
    missing = {"train_idx", "val_idx", "mean", "std", "X_train", "y_train", "X_val", "y_val"} - set(out)
    assert not missing, f"{what}: the dict has no {sorted(missing)}"
    checks_q7.assert_stratified_split(y, fraction, (out["train_idx"], out["val_idx"]), what)
    mean, std = train_statistics(X, out["train_idx"])
    assert_close(out["mean"], mean, rtol=1e-5, atol=1e-7, name=f"{what}['mean'] (the training part's, only)")
    assert_close(out["std"], std, rtol=1e-5, atol=1e-7, name=f"{what}['std'] (population std of the training part)")
    for part in ("train", "val"):
        idx = out[f"{part}_idx"]
        expected = (X[idx].double() - mean[None, :, None, None]) / std[None, :, None, None]
        assert_close(out[f"X_{part}"], expected, rtol=1e-4, atol=1e-5,
                     name=f"{what}['X_{part}'], normalized with the training statistics")
        assert_equal(out[f"y_{part}"], y[idx], name=f"{what}['y_{part}'] (the labels of X_{part}, in the same order)")


@pytest.mark.task("q7.2")
def test_prepare_data_normalizes_digits_with_training_statistics():
    X, y = checks_q7.mnist_tensors("train")
    out = pipeline.prepare_data(X, y, 0.2, 3)
    check_prepared(out, X, y, 0.2, "prepare_data(mnist train, 0.2, seed=3)")
    assert_close(out["X_train"].double().mean(), 0.0, atol=1e-4, name="mean of the normalized training digits")


@pytest.mark.task("q7.2")
def test_channel_stats_and_prepare_data_on_three_channels():
    g = torch.Generator().manual_seed(11)
    # Channels on very different scales, and a class-dependent brightness, so that statistics of the
    # wrong part of the data, or of the wrong axes, are far from the right ones.
    y = torch.randint(0, 4, (90,), generator=g)
    X = torch.rand(90, 3, 5, 6, generator=g) * torch.tensor([1.0, 10.0, 0.1])[None, :, None, None]
    X = X + y[:, None, None, None].float() * torch.rand(90, 3, 1, 1, generator=g)
    got_mean, got_std = pipeline.channel_stats(X)
    assert_close(got_mean, X.double().mean(dim=(0, 2, 3)), rtol=1e-5, name="channel_stats(X)[0] (the means)")
    assert_close(got_std, X.double().std(dim=(0, 2, 3), correction=0), rtol=1e-5, name="channel_stats(X)[1] (the stds)")
    check_prepared(pipeline.prepare_data(X, y, 0.3, 5), X, y, 0.3, "prepare_data(X of 3 channels, y, 0.3, seed=5)")


@pytest.mark.task("q7.2")
def test_load_mnist_normalizes_the_test_digits_with_training_statistics():
    out = pipeline.load_mnist(0.1, 0)
    X, y = checks_q7.mnist_tensors("train")
    check_prepared(out, X, y, 0.1, "load_mnist(0.1, seed=0)")
    X_test, y_test = checks_q7.mnist_tensors("test")
    mean, std = train_statistics(X, out["train_idx"])
    assert_close(out["X_test"], (X_test.double() - mean) / std, rtol=1e-4, atol=1e-5,
                 name="load_mnist(...)['X_test'], normalized with the training statistics")
    assert_equal(out["y_test"], y_test, name="load_mnist(...)['y_test']")


def numbered(n, width=3):
    """Item i has every pixel equal to i and the label i % 7: a batch shows which items it holds."""
    X = torch.arange(n, dtype=torch.float32)[:, None, None, None].expand(n, 1, width, width).contiguous()
    return X, torch.arange(n) % 7


def batches_of(loader, X, y, batch_size, what):
    """The item order of one pass over the loader, after checking batch sizes and that pairs stay together."""
    __tracebackhide__ = True
    order = []
    sizes = []
    for images, labels in loader:
        ids = images[:, 0, 0, 0].long()
        assert_equal(labels, y[ids], name=f"{what}: the labels of a batch (each image must keep its own label)")
        order += ids.tolist()
        sizes.append(len(ids))
    n = len(X)
    expected_sizes = [batch_size] * (n // batch_size) + ([n % batch_size] if n % batch_size else [])
    assert_equal(sizes, expected_sizes, name=f"{what}: the batch sizes")
    assert_equal(sorted(order), list(range(n)), name=f"{what}: the items of one pass (each exactly once)")
    return order


@pytest.mark.task("q7.3")
def test_loader_keeps_pairs_and_batch_sizes():
    X, y = numbered(50)
    ordered = batches_of(pipeline.make_loader(X, y, 8, False, 0), X, y, 8, "make_loader(X, y, 8, shuffle=False)")
    assert_equal(ordered, list(range(50)), name="the order without shuffling")
    shuffled = batches_of(pipeline.make_loader(X, y, 8, True, 0), X, y, 8, "make_loader(X, y, 8, shuffle=True)")
    assert shuffled != ordered, "make_loader(..., shuffle=True) gave the items in their original order"


@pytest.mark.task("q7.3")
def test_loader_order_follows_the_seed_and_changes_every_epoch():
    X, y = numbered(40)
    loader = pipeline.make_loader(X, y, 16, True, 5)
    epoch1 = batches_of(loader, X, y, 16, "make_loader(X, y, 16, seed=5), first pass")
    epoch2 = batches_of(loader, X, y, 16, "make_loader(X, y, 16, seed=5), second pass")
    assert epoch1 != epoch2, "two passes over one loader gave the same order: each epoch needs a new shuffle"
    # Made after the global generator was seeded differently: only the loader's own seed may count.
    twin = probes.seeded_call(pipeline.make_loader, 123, X, y, 16, True, 5)
    assert_equal(batches_of(twin, X, y, 16, "a second loader with seed 5"), epoch1,
                 name="the first pass of a second loader made with the same seed")
    other = batches_of(pipeline.make_loader(X, y, 16, True, 6), X, y, 16, "make_loader(X, y, 16, seed=6)")
    assert other != epoch1, "seeds 5 and 6 gave the same order"
