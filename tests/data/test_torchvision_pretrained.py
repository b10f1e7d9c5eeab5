"""gradekit.data.torchvision_pretrained: torchvision's weights from the local torch hub cache only, never downloaded."""

from __future__ import annotations

import numpy as np
import pytest
import torch
import torchvision

from gradekit import data


@pytest.fixture
def torch_home(tmp_path, monkeypatch):
    monkeypatch.setenv("TORCH_HOME", str(tmp_path))
    return tmp_path


def test_torchvision_pretrained_reads_the_cached_file(torch_home):
    torch.manual_seed(7)
    saved = torchvision.models.squeezenet1_1(weights=None).state_dict()
    path = data.torchvision_weights_file("squeezenet1_1", "IMAGENET1K_V1")
    assert path == torch_home / "hub" / "checkpoints" / "squeezenet1_1-b8a52dc0.pth"
    path.parent.mkdir(parents=True)
    torch.save(saved, path)
    model = data.torchvision_pretrained("squeezenet1_1")  # DEFAULT is IMAGENET1K_V1
    assert not model.training
    for name, tensor in model.state_dict().items():
        assert torch.equal(tensor, saved[name]), name
    assert data.available()["torchvision weights"]["present"] is True


def test_torchvision_pretrained_never_downloads(torch_home, monkeypatch):
    def no_network(*args, **kwargs):
        raise AssertionError("tried to download")

    monkeypatch.setattr(torch.hub, "download_url_to_file", no_network)
    with pytest.raises(data.DataNotFoundError) as err:
        data.torchvision_pretrained("resnet18", "IMAGENET1K_V1")
    message = str(err.value)
    assert str(torch_home / "hub" / "checkpoints" / "resnet18-f37072fd.pth") in message
    assert "never downloads" in message and "TORCH_HOME" in message


def test_torchvision_pretrained_runs_no_pickled_code(torch_home):
    path = data.torchvision_weights_file("squeezenet1_1")
    path.parent.mkdir(parents=True)
    torch.save({"features.0.weight": torch.zeros(1), "payload": np.dtype}, path)  # a non-tensor object
    with pytest.raises(Exception, match="[Ww]eights only load failed|Unsupported global"):
        data.torchvision_pretrained("squeezenet1_1")


def test_unknown_weights_name_lists_the_options():
    with pytest.raises(ValueError, match="IMAGENET1K_V1"):
        data.torchvision_weights("resnet18", "IMAGENET9K")
