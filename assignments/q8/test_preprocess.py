"""q8.1-q8.3: photos in every layout to RGB, Inception's 299x299 input in [-1, 1], random crops and flips.

Expected pixels come from hand arithmetic on synthetic images, or, for photos, from a fingerprint
of torchvision's own resize and crop recorded by the instructor (gradekit.checks.recorded: the
means and a few hundred fixed pixels); crops are located in the source image pixel by pixel.
"""
import numpy as np
import pytest
import torch

import gradekit
from gradekit import data, probes
from gradekit.checks import q8 as checks_q8
from gradekit.testing import assert_close, assert_equal

preprocess = gradekit.submission("q8.preprocess")

@pytest.mark.task("q8.1")
def test_every_layout_and_dtype_becomes_rgb_in_0_1():
    rng = np.random.default_rng(0)
    gray = rng.integers(0, 256, (5, 7), dtype=np.uint8)
    rgb = rng.integers(0, 256, (5, 7, 3), dtype=np.uint8)
    rgba = np.concatenate([rgb, rng.integers(0, 256, (5, 7, 1), dtype=np.uint8)], axis=2)
    as_float = rgb.astype(np.float64) / 255
    cases = {
        "gray uint8 (5, 7)": (gray, np.stack([gray] * 3) / 255),
        "gray uint8 (5, 7, 1)": (gray[:, :, None], np.stack([gray] * 3) / 255),
        "RGB uint8 (5, 7, 3)": (rgb, rgb.transpose(2, 0, 1) / 255),
        "RGBA uint8 (5, 7, 4)": (rgba, rgb.transpose(2, 0, 1) / 255),
        "RGB float64 in [0, 1]": (as_float, as_float.transpose(2, 0, 1)),
        "RGBA float32 in [0, 1]": ((rgba / 255).astype(np.float32), as_float.transpose(2, 0, 1)),
    }
    for what, (image, expected) in cases.items():
        out = preprocess.to_rgb_float(image)
        assert_equal(str(out.dtype), "torch.float32", name=f"the dtype of to_rgb_float({what})")
        assert_close(out, expected, rtol=1e-6, atol=1e-7, name=f"to_rgb_float({what})")


@pytest.mark.task("q8.1")
def test_rgba_photo_loses_only_its_alpha():
    astronaut = data.photo("astronaut")
    out = preprocess.to_rgb_float(checks_q8.with_alpha(astronaut, seed=1))
    assert_close(out, astronaut.transpose(2, 0, 1) / 255, rtol=1e-6, atol=1e-7,
                 name="to_rgb_float(the astronaut photo with an alpha channel)")


@pytest.mark.task("q8.2")
def test_constant_image_keeps_its_value_at_299():
    # Resampling a constant image gives the same constant: 128 / 255 on [0, 1] is 2 * 128 / 255 - 1.
    image = np.full((350, 420, 4), 128, dtype=np.uint8)
    image[:, :, 3] = np.arange(420) % 256  # an alpha that varies, which must not show
    out = preprocess.inception_preprocess(image)
    expected = torch.full((3, 299, 299), 2 * 128 / 255 - 1)
    assert_equal(tuple(out.shape), (3, 299, 299), name="inception_preprocess(a 350x420 RGBA image).shape")
    assert_close(out, expected, rtol=0, atol=1e-5, name="inception_preprocess(a constant 350x420 RGBA image)")


@pytest.mark.task("q8.2")
def test_photo_in_every_layout_matches_torchvision():
    cases = checks_q8.photo_cases()
    for layout in ("RGB", "RGBA", "gray"):
        out = preprocess.inception_preprocess(cases[f"chelsea {layout}"])  # 300 x 451, uint8
        checks_q8.assert_recorded_preprocess(out, f"chelsea {layout}",
                                             what=f"inception_preprocess(the {layout} chelsea photo, uint8)")


@pytest.mark.task("q8.2")
def test_float_photo_as_read_by_matplotlib():
    # matplotlib.image.imread gives a PNG as floats in [0, 1], RGBA when the file has transparency.
    cases = checks_q8.photo_cases()
    for layout in ("RGBA", "RGB"):
        out = preprocess.inception_preprocess(cases[f"coffee {layout}"])  # 400 x 600, float32
        checks_q8.assert_recorded_preprocess(out, f"coffee {layout}",
                                             what=f"inception_preprocess(the {layout} coffee photo, float32 in [0, 1])")


def unique_image(channels, height, width):
    """Every pixel different, so a crop can come from one place only."""
    return torch.arange(channels * height * width, dtype=torch.float32).reshape(channels, height, width)


@pytest.mark.task("q8.3")
def test_crops_cover_the_image_and_flip_half_the_time():
    x = unique_image(3, 12, 17)
    seen = []
    for seed in range(150):
        out = preprocess.random_crop_flip(x, 8, seed)
        found = checks_q8.find_crops(out, x)
        assert len(found) == 1, (f"random_crop_flip(x of shape (3, 12, 17), 8, seed={seed}) gives a tensor of shape "
                                 f"{tuple(out.shape)} that is no 8x8 window of x (flipped or not)")
        seen.append(found[0])
    tops, lefts, flips = zip(*seen)
    assert_equal(sorted(set(tops)), list(range(5)), name="crop tops over 150 seeds (0 ... 12 - 8 each possible)")
    assert_equal(sorted(set(lefts)), list(range(10)), name="crop lefts over 150 seeds (0 ... 17 - 8 each possible)")
    share = sum(flips) / len(flips)
    assert 0.3 <= share <= 0.7, f"{share:.0%} of 150 crops are flipped, expected about half"


@pytest.mark.task("q8.3")
def test_same_seed_same_crop_whatever_the_global_generators():
    x = unique_image(1, 30, 30)
    first = probes.seeded_call(preprocess.random_crop_flip, 1, x, 20, 7)
    again = probes.seeded_call(preprocess.random_crop_flip, 2, x, 20, 7)
    assert_equal(again, first, name="random_crop_flip(x, 20, seed=7) after torch.manual_seed(2) vs after manual_seed(1)")
    assert_equal(x, unique_image(1, 30, 30), name="x after random_crop_flip (it must not be modified)")
    others = [preprocess.random_crop_flip(x, 20, seed) for seed in range(8, 12)]
    assert not all(torch.equal(first, o) for o in others), "seeds 7 ... 11 all give the same crop"
    assert len(checks_q8.find_crops(first, x)) == 1, "random_crop_flip(x, 20, seed=7) is no 20x20 window of x"


@pytest.mark.task("q8.3")
def test_training_crops_of_a_photo_at_299():
    # A 342 x 360 corner of the photo: 342 = 299 * 8 / 7 is Inception's evaluation resize (its
    # central crop keeps 87.5%); here it is just a size larger than 299 to crop training windows from.
    x = torch.from_numpy(data.photo("astronaut")[:342, :360].transpose(2, 0, 1).copy()).float() / 255
    for seed in (0, 1, 2):
        out = preprocess.random_crop_flip(x, 299, seed)
        assert_equal(tuple(out.shape), (3, 299, 299), name=f"random_crop_flip(photo, 299, seed={seed}).shape")
        assert checks_q8.find_crops(out, x), f"random_crop_flip(photo, 299, seed={seed}) is no 299x299 window of it"
