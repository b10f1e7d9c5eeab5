"""Hidden tests of q7.1-q7.3: tiny classes, a small fraction, RGB images, batch sizes at the edges."""
import pytest
import torch

import gradekit
from gradekit import data
from gradekit.checks import q7 as checks_q7
from gradekit.testing import assert_close, assert_equal

pipeline = gradekit.submission("q7.pipeline")

one_torch_thread = pytest.fixture(autouse=True)(checks_q7.one_torch_thread)


@pytest.mark.task("q7.1")
def test_split_of_tiny_classes_and_a_small_fraction():
    labels = torch.tensor([2, 0, 1, 2, 1, 2, 0, 2, 1, 2])  # classes of 2, 3 and 5 items
    checks_q7.assert_stratified_split(labels, 0.5, pipeline.stratified_split(labels, 0.5, 9), "stratified_split(10 labels, 0.5, seed=9)")
    _, y = checks_q7.mnist_tensors("test")
    checks_q7.assert_stratified_split(y, 0.05, pipeline.stratified_split(y, 0.05, 1), "stratified_split(1,000 test labels, 0.05, seed=1)")


@pytest.mark.task("q7.2")
def test_prepare_data_on_rgb_images():
    X, y = (torch.from_numpy(a) for a in data.as_arrays(data.cifar10_like(120, 16, seed=3)))
    X = X * torch.tensor([0.5, 1.0, 2.0])[None, :, None, None]
    out = pipeline.prepare_data(X, y, 0.25, 2)
    checks_q7.assert_stratified_split(y, 0.25, (out["train_idx"], out["val_idx"]), "prepare_data(RGB, 0.25, seed=2)")
    part = X[out["train_idx"]].double()
    mean, std = part.mean(dim=(0, 2, 3)), part.std(dim=(0, 2, 3), correction=0)
    assert_close(out["mean"], mean, rtol=1e-5, name="prepare_data(RGB)['mean'] (of the training part)")
    assert_close(out["std"], std, rtol=1e-5, name="prepare_data(RGB)['std'] (of the training part)")
    expected = (X[out["val_idx"]].double() - mean[None, :, None, None]) / std[None, :, None, None]
    assert_close(out["X_val"], expected, rtol=1e-4, atol=1e-5, name="prepare_data(RGB)['X_val']")
    assert_equal(out["y_train"], y[out["train_idx"]], name="prepare_data(RGB)['y_train']")


@pytest.mark.task("q7.3")
def test_loader_with_one_big_batch_and_batches_of_one():
    n = 13
    X = torch.arange(n, dtype=torch.float32)[:, None].expand(n, 4).contiguous()
    y = (torch.arange(n) * 3) % 5
    for batch_size in (20, 1):
        batches = list(pipeline.make_loader(X, y, batch_size, True, 3))
        assert_equal([len(yb) for _, yb in batches], [n] if batch_size > n else [1] * n,
                     name=f"batch sizes of make_loader(13 items, batch_size={batch_size})")
        ids = torch.cat([xb[:, 0] for xb, _ in batches]).long()
        assert_equal(torch.cat([yb for _, yb in batches]), y[ids], name="labels of the batches, item by item")
        assert_equal(sorted(ids.tolist()), list(range(n)), name="the items of one pass")
        assert ids.tolist() != list(range(n)), f"make_loader(..., batch_size={batch_size}, shuffle=True) did not shuffle"
