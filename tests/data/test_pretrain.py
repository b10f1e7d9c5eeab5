"""gradekit.pretrain: deterministic training, class selection, and the transfer protocol q8 relies on."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pytest
import torch

from gradekit import backbone, data, pretrain


@pytest.fixture
def one_thread():
    threads = torch.get_num_threads()
    fill = torch.utils.deterministic.fill_uninitialized_memory
    pretrain.make_deterministic(0, 1)
    yield
    # Restore everything make_deterministic changed, so later tests run as they would alone.
    torch.use_deterministic_algorithms(False)
    torch.utils.deterministic.fill_uninitialized_memory = fill
    torch.set_num_threads(threads)


def test_parse_and_select_classes():
    assert pretrain._parse_classes("0-5") == [0, 1, 2, 3, 4, 5]
    assert pretrain._parse_classes("all") == list(range(10))
    assert pretrain._parse_classes("6,9") == [6, 9]
    X = np.arange(6, dtype=np.float32)[:, None]
    y = np.array([9, 6, 1, 6, 9, 0])
    X_kept, y_kept = pretrain.select_classes(X, y, [6, 9])
    assert X_kept[:, 0].tolist() == [0, 1, 3, 4] and y_kept.tolist() == [1, 0, 0, 1]


def test_few_labels_takes_per_class_items_by_seed():
    y = np.repeat(np.arange(4), 50)
    pick = pretrain.few_labels(y, 3, seed=1)
    assert np.bincount(y[pick]).tolist() == [3, 3, 3, 3]
    assert pick.tolist() == pretrain.few_labels(y, 3, seed=1).tolist()
    assert pick.tolist() != pretrain.few_labels(y, 3, seed=2).tolist()


def test_training_is_reproducible(one_thread):
    rng = np.random.default_rng(0)
    X = rng.random((64, 1, 28, 28), dtype=np.float32)
    y = rng.integers(0, 3, 64)
    states = []
    for _ in range(2):
        torch.manual_seed(5)
        model = backbone.SmallCNN(num_classes=3)
        history = pretrain.train(model, X, y, epochs=2, batch_size=16, lr=3e-3, seed=5)
        states.append(model.state_dict())
    assert len(history) == 2 and history[1]["loss"] < history[0]["loss"]
    for name in states[0]:
        assert torch.equal(states[0][name], states[1][name]), name


def test_frozen_fit_changes_only_the_head(one_thread):
    state = torch.load(str(backbone.weights_path()), weights_only=True)
    rng = np.random.default_rng(1)
    X = rng.random((8, 1, 28, 28), dtype=np.float32)
    y = np.array([0, 1, 2, 3] * 2)
    model = pretrain.fit_few("frozen", state, X, y, n_classes=4, steps=5, lr=1e-2, seed=0)
    for name, tensor in model.features.state_dict().items():  # weights and BatchNorm statistics
        assert torch.equal(tensor, state["features." + name]), name
    assert not any(p.requires_grad for p in model.features.parameters())
    assert model.classifier.out_features == 4
    tuned = pretrain.fit_few("finetune", state, X, y, n_classes=4, steps=5, lr=1e-2, seed=0)
    assert not torch.equal(tuned.features.conv1.weight, state["features.conv1.weight"])
    assert not torch.equal(tuned.features.bn1.running_mean, state["features.bn1.running_mean"])


def test_shipped_checkpoint_reproduces_the_transfer_row_for_seed_0(one_thread):
    # The row q8's threshold is set from: k = 2 labels per class on the held-out classes 6-9.
    text = Path(str(backbone.weights_path())).with_suffix(".md").read_text()
    row = re.search(r"^\| 2 \| ([\d.]+) \(.*?\| ([\d.]+) \(.*?\| ([\d.]+) \(.*?\| ([+-][\d.]+),", text, re.M)
    assert row, "the .md should hold the transfer table's k = 2 row"
    gap_seed0 = float(row.group(4))
    state = torch.load(str(backbone.weights_path()), weights_only=True)
    X, y = pretrain.select_classes(*data.as_arrays(data.fashion_mnist("train")), backbone.HELD_OUT_CLASSES)
    X_test, y_test = pretrain.select_classes(*data.as_arrays(data.fashion_mnist("test")), backbone.HELD_OUT_CLASSES)
    result = pretrain.transfer_vs_scratch(state, (X, y), (X_test, y_test), per_class=2, seed=0)
    gap = result["finetune"] - result["scratch"]
    assert gap > 0.05, f"fine-tuning should beat scratch by > 0.05 with 2 labels per class: {result}"
    assert abs(gap - gap_seed0) <= 0.03, f"gap {gap:+.3f}, the .md states {gap_seed0:+.3f} for seed 0"
