"""Getting any photo ready for an Inception-style network, and randomizing it for training.

Inception v3 was trained on 299x299 RGB images whose values run from -1 to 1 (the convention of
its TF-slim and Keras versions; torchvision's port expects ImageNet-normalized inputs and converts
them itself when transform_input is on). A photo from disk
can be grayscale (H, W), RGB (H, W, 3) or RGBA (H, W, 4) with a transparency channel, stored as
bytes 0-255 or as floats 0-1 (matplotlib reads PNGs that way). `to_rgb_float` brings all of them
to one form, `inception_preprocess` resizes, crops and rescales, and `random_crop_flip` draws the
random crops and mirror images that data augmentation trains on.
"""
import numpy as np
import torch
import torchvision.transforms.functional as TF
from torchvision.transforms import InterpolationMode


def to_rgb_float(image):
    """A photo in any of the usual layouts as a float RGB tensor with values in [0, 1].

    Inputs:
    - image: numpy array, one of
      shape (H, W) grayscale, (H, W, 1) grayscale, (H, W, 3) RGB or (H, W, 4) RGBA;
      dtype uint8 (values 0-255) or a float dtype (values already in [0, 1])

    Returns:
    - x: torch tensor, shape (3, H, W), float32, values in [0, 1]: uint8 divided by 255, floats
      unchanged; the alpha channel dropped (not blended); a gray channel repeated three times

    Raises ValueError for any other shape, TypeError for any other dtype.
    """
    raise NotImplementedError("q8.1 not implemented yet: to_rgb_float")


def inception_preprocess(image, size=299):
    """Inception v3's input: RGB, size x size, values in [-1, 1].

    Steps, in this order (the tests recompute them with torchvision):
    1. `to_rgb_float(image)`: (3, H, W) float32 in [0, 1]
    2. resize so that the shorter side is `size`, keeping the aspect ratio:
       torchvision.transforms.functional.resize(x, size, interpolation=BILINEAR, antialias=True)
       (the longer side becomes int(size * long / short))
    3. crop the central size x size square: torchvision.transforms.functional.center_crop
    4. rescale [0, 1] to [-1, 1]: 2 * x - 1

    Inputs:
    - image: numpy array as `to_rgb_float` accepts (gray, RGB or RGBA; uint8 or float)
    - size: side of the output square in pixels (299 for Inception v3)

    Returns:
    - x: torch tensor, shape (3, size, size), float32, values in [-1, 1]
    """
    raise NotImplementedError("q8.2 not implemented yet: inception_preprocess")


def random_crop_flip(x, size, seed):
    """Data augmentation: a random size x size crop, mirrored left-right half of the time.

    The same seed must give the same output whatever else has used torch's or numpy's global
    random generators (draw from your own generator seeded with `seed`); different seeds give
    different crops. Every position of the crop inside the image is possible, and the crop never
    reaches outside the image (no padding).

    Inputs:
    - x: torch tensor, shape (C, H, W), any float dtype, with H >= size and W >= size
      (e.g. inception_preprocess(image, 342), to train at 299)
    - size: side of the crop in pixels
    - seed: int

    Returns:
    - out: torch tensor, shape (C, size, size), same dtype as x: x[:, top:top + size, left:left + size],
      flipped along the width axis (torch.flip(..., dims=[-1])) with probability 1/2;
      top uniform in 0 ... H - size, left uniform in 0 ... W - size. A new tensor: x is not modified.
    """
    raise NotImplementedError("q8.3 not implemented yet: random_crop_flip")
