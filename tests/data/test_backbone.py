"""The kit's pretrained backbone: gradekit.backbone, its shipped checkpoint and provenance, and data.available()."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pytest
import torch
import torch.nn as nn

from gradekit import backbone, data


def _provenance() -> str:
    path = Path(str(backbone.weights_path())).with_suffix(".md")
    assert path.is_file(), f"the checkpoint's provenance file {path} is missing"
    return path.read_text()


def test_checkpoint_is_shipped_and_under_1_mb():
    path = backbone.weights_path()
    assert path.is_file(), (
        f"{path} is missing: run `python -m gradekit.pretrain --out gradekit/weights/{backbone.DEFAULT_WEIGHTS}.pt`"
    )
    size = Path(str(path)).stat().st_size
    assert size < 1_000_000, f"checkpoint is {size:,} bytes; the kit promises < 1 MB"


def test_provenance_states_what_reproducing_needs():
    text = _provenance()
    for needed in (
        "Fashion-MNIST",
        "python -m gradekit.pretrain",
        "AdamW",
        "epochs",
        "Test accuracy",
        "Reproducing",
        "Transfer experiment",
    ):
        assert needed in text, f"{needed!r} missing from the provenance .md"
    assert re.search(r"torch \d+\.\d+", text), "the .md should name the torch version"
    assert re.search(r"Built\*\*: \d{4}-\d{2}-\d{2}", text), "the .md should give the date"
    n_params = backbone.count_parameters(backbone.load_pretrained())
    assert f"{n_params:,} parameters" in text


def test_pretrained_accuracy_matches_the_provenance():
    text = _provenance()
    found = re.search(r"([01]\.\d{4}) on its first 2,000 of them", text)
    assert found, "the .md should state the accuracy on the first 2,000 test images"
    stated = float(found.group(1))
    model = backbone.load_pretrained()
    assert not model.training
    # The first 2,000 test images of the classes the checkpoint was trained on (labels 0-5 keep their numbers).
    test = data.fashion_mnist("test")
    seen = np.flatnonzero(np.isin(data.labels_of(test), range(len(backbone.PRETRAINED_CLASSES))))[:2000]
    X, y = data.as_arrays(torch.utils.data.Subset(test, seen.tolist()))
    with torch.no_grad():
        accuracy = float((model(torch.from_numpy(X)).argmax(1).numpy() == y).mean())
    # Other CPUs and thread counts may flip a prediction or two, not more.
    assert abs(accuracy - stated) <= 0.005, f"accuracy {accuracy:.4f} on the first 2,000, the .md states {stated}"
    assert accuracy > 0.85


def test_backbone_shape_contract():
    model = backbone.load_pretrained()
    conv1 = model.features.conv1
    assert conv1.kernel_size == (5, 5) and conv1.in_channels == 1
    assert sum(isinstance(m, nn.BatchNorm2d) for m in model.modules()) == 4
    assert isinstance(model.classifier, nn.Linear) and model.classifier.in_features == backbone.FEATURE_DIM
    with torch.no_grad():
        assert model.features(torch.rand(3, 1, 28, 28)).shape == (3, backbone.FEATURE_DIM)
        # Fully convolutional up to the global average: a gray photo of any size runs through.
        photo = torch.from_numpy(data.photo("camera", gray=True)).float().div(255)[None, None]
        assert model(photo).shape == (1, len(backbone.PRETRAINED_CLASSES))


def test_head_matches_the_class_lists():
    model = backbone.load_pretrained()
    assert model.classifier.out_features == len(backbone.PRETRAINED_CLASSES) == 6
    assert backbone.PRETRAINED_CLASSES == data.FASHION_MNIST_CLASSES[:6]
    assert sorted(backbone.HELD_OUT_CLASSES + list(range(6))) == list(range(10))


def test_missing_checkpoint_says_how_to_rebuild():
    with pytest.raises(FileNotFoundError, match="python -m gradekit.pretrain"):
        backbone.load_pretrained("no_such_weights")


def test_available_reports_every_resource(clean_env):
    found = data.available()
    assert set(found) == {"mnist", "fashion_mnist", "cifar10", "photos", "backbone weights", "torchvision weights"}
    for name, info in found.items():
        assert set(info) == {"present", "source", "how"} and info["how"], name
    assert found["mnist"]["present"] and found["photos"]["present"] and found["backbone weights"]["present"]
