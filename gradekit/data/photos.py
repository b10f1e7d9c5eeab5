"""Real photos that scikit-image and scikit-learn ship: :func:`photo` by name, the names in :data:`PHOTOS`."""

from __future__ import annotations

import numpy as np
from PIL import Image

from gradekit.data.files import DataNotFoundError, how_photos

_SKIMAGE_PHOTOS = (
    "astronaut",
    "brick",
    "camera",
    "cat",
    "chelsea",
    "coffee",
    "coins",
    "grass",
    "gravel",
    "hubble_deep_field",
    "immunohistochemistry",
    "moon",
    "page",
    "retina",
    "rocket",
    "text",
)
_SKLEARN_PHOTOS = ("china", "flower")
PHOTOS = tuple(sorted(_SKIMAGE_PHOTOS + _SKLEARN_PHOTOS))


def photo(name: str, gray: bool = False) -> np.ndarray:
    """A real photo shipped with scikit-image or scikit-learn, as uint8 0-255.

    Returns shape (H, W, 3) RGB, or (H, W) when gray=True (PIL's "L" conversion, ITU-R 601-2 luma).
    Grayscale originals (camera, coins, moon, ...) are repeated over 3 channels when gray=False.
    Names: :data:`PHOTOS`.
    """
    if name not in PHOTOS:
        raise ValueError(f"unknown photo {name!r}; available: {', '.join(PHOTOS)}")
    try:
        if name in _SKLEARN_PHOTOS:
            from sklearn.datasets import load_sample_image

            image = load_sample_image(f"{name}.jpg")
        else:
            import skimage.data

            image = getattr(skimage.data, name)()
    except ImportError as exc:
        raise DataNotFoundError(f"photo {name!r} needs a missing package: {how_photos()}") from exc
    image = np.asarray(image, dtype=np.uint8)
    if image.ndim == 3 and image.shape[2] == 4:
        image = image[..., :3]
    if gray:
        return image if image.ndim == 2 else np.asarray(Image.fromarray(image).convert("L"))
    return np.ascontiguousarray(np.stack([image] * 3, axis=-1) if image.ndim == 2 else image)
