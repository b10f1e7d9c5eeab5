"""The kit's own small pretrained CNN: a grayscale backbone for transfer learning (q8) and visualization (q9).

    input 1@HxW in [0, 1]
    features:   conv1 16@5x5 -> bn1 -> relu1 -> pool1 2x2
                conv2 32@3x3 -> bn2 -> relu2 -> pool2 2x2
                conv3 64@3x3 -> bn3 -> relu3 -> pool3 2x2
                conv4 128@3x3 -> bn4 -> relu4 -> gap (global average) -> flatten    => 128 features
    classifier: Linear(128, 10)

At 28x28 the conv maps are 16@28x28, 32@14x14, 64@7x7 and 128@3x3 (2.8 M multiply-adds per image,
so a few epochs of Fashion-MNIST train in minutes on two CPU cores). Every layer before ``gap`` is
convolutional, so the same weights run on a photo of any size (q9 feeds a gray 512x512 photo).
The shipped weights (``gradekit/weights/fashion_mnist_0to5.pt``, trained by ``python -m gradekit.pretrain``)
know Fashion-MNIST classes 0-5 only (:data:`PRETRAINED_CLASSES`); classes 6-9 (:data:`HELD_OUT_CLASSES`)
are kept unseen as the new task for transfer learning. What they were trained on, how, how well they
do, and how transfer compares with training from scratch is in the ``.md`` next to the checkpoint.
"""

from __future__ import annotations

from collections import OrderedDict

import torch
import torch.nn as nn

# The packaged checkpoint's name and file live with the other data files; re-exported here, where the
# model that reads them is, so `backbone.DEFAULT_WEIGHTS` and `backbone.weights_path()` keep working.
from gradekit.data import DEFAULT_WEIGHTS, FASHION_MNIST_CLASSES, weights_path

#: What its head predicts: output i is PRETRAINED_CLASSES[i] (Fashion-MNIST labels 0-5).
PRETRAINED_CLASSES = FASHION_MNIST_CLASSES[:6]
#: Fashion-MNIST labels the backbone never saw in training: a new task for transfer learning.
HELD_OUT_CLASSES = [6, 7, 8, 9]
FEATURE_DIM = 128


def _block(index: int, c_in: int, c_out: int, kernel: int) -> list[tuple[str, nn.Module]]:
    # No conv bias: the BatchNorm right after it has its own shift, a bias would be redundant.
    return [
        (f"conv{index}", nn.Conv2d(c_in, c_out, kernel, padding=kernel // 2, bias=False)),
        (f"bn{index}", nn.BatchNorm2d(c_out)),
        (f"relu{index}", nn.ReLU(inplace=False)),  # not in-place, so forward hooks keep what they saw
    ]


class SmallCNN(nn.Module):
    """Conv-BatchNorm-ReLU backbone (``features``) and a linear head (``classifier``).

    Layers are named (``model.features.conv1`` ... ``model.features.gap``) so that hooks and freezing
    can address them. conv1 has 5x5 filters, large enough to show a pattern when drawn as a grid.

    Inputs of forward:
    - x: images, shape (N, 1, H, W), float32, values in [0, 1] (torchvision's ToTensor scale);
      H, W >= 8. No mean/std normalization is needed: conv1 feeds BatchNorm, which removes the
      input's offset and scale away from the zero-padded border.

    Returns of forward:
    - logits, shape (N, num_classes), float32

    ``model.features(x)`` gives the backbone's output, shape (N, 128).
    """

    def __init__(self, num_classes: int = 10):
        super().__init__()
        layers = (
            _block(1, 1, 16, 5)
            + [("pool1", nn.MaxPool2d(2))]
            + _block(2, 16, 32, 3)
            + [("pool2", nn.MaxPool2d(2))]
            + _block(3, 32, 64, 3)
            + [("pool3", nn.MaxPool2d(2))]
            + _block(4, 64, FEATURE_DIM, 3)
            + [("gap", nn.AdaptiveAvgPool2d(1)), ("flatten", nn.Flatten())]
        )
        self.features = nn.Sequential(OrderedDict(layers))
        self.classifier = nn.Linear(FEATURE_DIM, num_classes)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        features = self.features(x)  # (N, width): global average pooling ends the features
        return self.classifier(features)


def load_pretrained(name: str = DEFAULT_WEIGHTS) -> SmallCNN:
    """The kit's pretrained SmallCNN, in eval mode (BatchNorm uses its running statistics).

    The checkpoint is a plain state dict read with ``torch.load(weights_only=True)``, so loading it
    runs no pickled code. Its number of classes is taken from the checkpoint's head.
    """
    path = weights_path(name)
    if not path.is_file():
        raise FileNotFoundError(
            f"gradekit checkpoint {name!r} not found at {path}. The packaged weights ship with gradekit "
            f"(reinstall with `pip install -e .`), or rebuild them with "
            f"`python -m gradekit.pretrain --out gradekit/weights/{name}.pt`."
        )
    with path.open("rb") as f:
        state = torch.load(f, map_location="cpu", weights_only=True)
    model = SmallCNN(num_classes=state["classifier.weight"].shape[0])
    model.load_state_dict(state)
    return model.eval()


def count_parameters(model: nn.Module) -> int:
    """Number of trainable and frozen parameters (BatchNorm running statistics are buffers, not counted)."""
    return sum(p.numel() for p in model.parameters())
