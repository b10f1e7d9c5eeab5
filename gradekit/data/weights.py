"""Pretrained weights on this machine: the kit's packaged checkpoint, and torchvision's from the hub cache.

- :data:`DEFAULT_WEIGHTS`, :func:`weights_path`: the checkpoint shipped in gradekit/weights/ (the
  model that reads it is gradekit.backbone, which re-exports both names).
- :func:`torchvision_weights`, :func:`torchvision_weights_file`, :func:`torchvision_pretrained`:
  torchvision's weights, read from the local torch hub cache only; nothing is downloaded.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path
from unittest import mock

import torch
import torchvision

from gradekit.data.files import DataNotFoundError

#: Checkpoint shipped with the package (gradekit/weights/<name>.pt, provenance in <name>.md).
DEFAULT_WEIGHTS = "fashion_mnist_0to5"


def weights_path(name: str = DEFAULT_WEIGHTS):
    """The packaged checkpoint file gradekit/weights/<name>.pt (a Traversable; may not exist)."""
    return resources.files("gradekit") / "weights" / f"{name}.pt"


def torchvision_weights(arch: str, weights: str = "DEFAULT"):
    """torchvision's weights enum member for a model, e.g. ("resnet18", "IMAGENET1K_V1").

    ``.meta["categories"]`` are its class names (for top-k decoding), ``.transforms()`` its preprocessing.
    """
    options = torchvision.models.get_model_weights(arch)
    try:
        return options[weights]
    except KeyError:
        raise ValueError(
            f"{arch} has no weights {weights!r}; available: {', '.join(['DEFAULT'] + [w.name for w in options])}"
        ) from None


def torchvision_weights_file(arch: str, weights: str = "DEFAULT") -> Path:
    """Where torch.hub caches that checkpoint: torch.hub.get_dir()/checkpoints/<file name of its URL>."""
    url = torchvision_weights(arch, weights).url
    return Path(torch.hub.get_dir()) / "checkpoints" / url.rsplit("/", 1)[-1]


def _how_torchvision_weights(arch: str, weights: str, path: Path) -> str:
    member = torchvision_weights(arch, weights)
    return (
        f"torchvision weights {arch} {member.name} are not on this machine: expected {path} "
        f"(torch.hub.get_dir() + '/checkpoints'; set TORCH_HOME to move it). gradekit never downloads. "
        f'On a machine with internet run `python -c "import torchvision; torchvision.models.get_model('
        f"'{arch}', weights='{member.name}')\"` and copy the file it caches, or fetch {member.url}, "
        f"into that folder"
    )


def torchvision_pretrained(arch: str, weights: str = "DEFAULT", **kwargs) -> torch.nn.Module:
    """A torchvision model with its pretrained weights read from the torch hub cache, in eval mode.

    Built by ``torchvision.models.get_model(arch, weights=...)`` so every architecture gets the
    constructor arguments its weights need; kwargs go to the builder. Raises
    :class:`DataNotFoundError` naming the expected file when it is not cached.
    """
    path = torchvision_weights_file(arch, weights)
    if not path.is_file():
        raise DataNotFoundError(_how_torchvision_weights(arch, weights, path))

    def read_cached(url, *args, **kw):
        # Replaces torchvision's download-if-missing reader: only the cached file, and with
        # weights_only=True, so the checkpoint is read as tensors and no pickled code runs.
        if not path.is_file():
            raise DataNotFoundError(_how_torchvision_weights(arch, weights, path))
        return torch.load(path, map_location="cpu", weights_only=True)

    with mock.patch.object(torchvision.models._api, "load_state_dict_from_url", read_cached):
        model = torchvision.models.get_model(arch, weights=torchvision_weights(arch, weights), **kwargs)
    return model.eval()
