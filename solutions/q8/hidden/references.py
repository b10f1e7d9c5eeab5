"""The full references of q8's hidden tests, and the recorder of its visible tests' fingerprints.

`inception_reference` is q8.2's answer computed with torchvision, so it sits here, beside the
hidden tests, and never ships: the visible tests compare with fingerprints of its outputs
(gradekit.checks.recorded). Hidden tests load this file with gradekit.harness.importer.load_beside.
Run `python solutions/q8/hidden/references.py` to rewrite gradekit/checks/q8_recorded.py after
changing a reference or a visible test's photos.
"""


def inception_reference(image, size: int = 299):
    """What inception_preprocess must return, computed with torchvision.

    Inputs:
    - image: numpy array (H, W) or (H, W, C) with C in 1, 3, 4; uint8 (0-255) or float (0-1)
    - size: side of the output square

    Returns:
    - torch tensor (3, size, size), float32: the first three channels (a gray one repeated), in
      [0, 1], resized (shorter side = size, bilinear, antialiased), center-cropped, times 2 minus 1
    """
    import numpy as np
    import torch
    import torchvision.transforms.functional as TF
    from torchvision.transforms import InterpolationMode

    pixels = np.asarray(image)
    pixels = pixels[:, :, None] if pixels.ndim == 2 else pixels
    pixels = np.repeat(pixels[:, :, :1], 3, axis=2) if pixels.shape[2] == 1 else pixels[:, :, :3]
    x = torch.from_numpy(np.ascontiguousarray(pixels.transpose(2, 0, 1)))
    x = x.float() / 255 if pixels.dtype == np.uint8 else x.float()
    # A one-element size list means "the shorter side", as torchvision documents.
    x = TF.resize(x, [size], InterpolationMode.BILINEAR, antialias=True)
    return 2 * TF.center_crop(x, [size, size]) - 1


def record() -> dict:
    """The fingerprint of inception_reference on each of the visible tests' photos."""
    from gradekit.checks import q8, recorded

    return {case: recorded.fingerprint(inception_reference(image)) for case, image in q8.photo_cases().items()}


if __name__ == "__main__":
    from gradekit.checks import recorded

    print(recorded.write("q8", record(), "python solutions/q8/hidden/references.py"))
