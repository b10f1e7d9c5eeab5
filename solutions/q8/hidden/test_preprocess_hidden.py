"""Hidden tests of q8.1-q8.3: tiny, tall and exact-size images, another output size, one-channel crops."""
import numpy as np
import pytest
import torch

import gradekit
from gradekit import data
from gradekit.checks import q8 as checks_q8
from gradekit.harness.importer import load_beside
from gradekit.testing import assert_close, assert_equal

preprocess = gradekit.submission("q8.preprocess")
references = load_beside(__file__, "references")  # q8.2's answer with torchvision: never shipped


@pytest.mark.task("q8.1")
def test_one_pixel_rgba_and_a_float32_single_channel():
    pixel = np.array([[[10, 200, 30, 0]]], dtype=np.uint8)
    assert_close(preprocess.to_rgb_float(pixel), np.array([10, 200, 30]).reshape(3, 1, 1) / 255, rtol=1e-6,
                 name="to_rgb_float(one RGBA pixel (10, 200, 30, 0))")
    gray = np.linspace(0, 1, 12, dtype=np.float32).reshape(3, 4, 1)
    assert_close(preprocess.to_rgb_float(gray), np.repeat(gray.transpose(2, 0, 1), 3, axis=0), rtol=1e-6,
                 name="to_rgb_float(a (3, 4, 1) float32 image)")


@pytest.mark.task("q8.1")
def test_bad_layouts_and_dtypes_are_refused():
    rgba = np.zeros((2, 3, 4), dtype=np.uint8)
    rgba[..., 3] = 255
    assert_equal(tuple(preprocess.to_rgb_float(rgba).shape), (3, 2, 3), name="to_rgb_float(a (2, 3, 4) RGBA image).shape")
    with pytest.raises(ValueError):
        preprocess.to_rgb_float(np.zeros((4, 4, 2), dtype=np.uint8))
    with pytest.raises(TypeError):
        preprocess.to_rgb_float(np.zeros((4, 4, 4), dtype=np.int32))


@pytest.mark.task("q8.2")
def test_tall_and_tiny_rgba_images_are_upscaled():
    rng = np.random.default_rng(11)
    for shape, size in (((500, 200, 4), 299), ((20, 30, 4), 64)):
        image = rng.integers(0, 256, shape, dtype=np.uint8)
        out = preprocess.inception_preprocess(image, size)
        assert_close(out, references.inception_reference(image, size), rtol=0, atol=0.02,
                     name=f"inception_preprocess(a random {shape} uint8 image, {size})")


@pytest.mark.task("q8.2")
def test_exact_size_image_is_only_rescaled():
    # Already 299 x 299: resizing and cropping change nothing, so the output is 2 * x - 1 exactly.
    rgb = np.random.default_rng(12).random((299, 299, 3))
    out = preprocess.inception_preprocess(checks_q8.with_alpha(rgb, seed=13))
    assert_close(out, 2 * rgb.transpose(2, 0, 1) - 1, rtol=0, atol=1e-5,
                 name="inception_preprocess(a 299x299 float RGBA image)")


@pytest.mark.task("q8.2")
def test_gray_photo_at_224():
    moon = data.photo("moon")  # 512 x 512, gray repeated over three channels
    image = checks_q8.with_alpha(moon, seed=14)
    out = preprocess.inception_preprocess(image, 224)
    assert_close(out, references.inception_reference(image, 224), rtol=0, atol=0.02,
                 name="inception_preprocess(the RGBA moon photo, 224)")


@pytest.mark.task("q8.3")
def test_height_equal_to_size_leaves_only_horizontal_offsets():
    x = torch.arange(2 * 6 * 11, dtype=torch.float64).reshape(2, 6, 11)
    lefts = set()
    for seed in range(60):
        out = preprocess.random_crop_flip(x, 6, seed)
        assert_equal(str(out.dtype), "torch.float64", name=f"the dtype of random_crop_flip(float64 x, 6, seed={seed})")
        found = checks_q8.find_crops(out, x)
        assert len(found) == 1, f"random_crop_flip(x (2, 6, 11), 6, seed={seed}) is no 6x6 window of x"
        lefts.add(found[0][1])
    assert_equal(sorted(lefts), list(range(6)), name="crop lefts over 60 seeds (0 ... 11 - 6)")


@pytest.mark.task("q8.3")
def test_crop_of_the_whole_image_is_the_image_or_its_mirror():
    x = torch.rand(1, 9, 9, generator=torch.Generator().manual_seed(15))
    outs = [preprocess.random_crop_flip(x, 9, seed) for seed in range(40)]
    flipped = [torch.equal(o, x.flip(-1)) for o in outs]
    assert all(torch.equal(o, x) or f for o, f in zip(outs, flipped)), "a 9x9 crop of a 9x9 image must be it or its mirror"
    assert 8 <= sum(flipped) <= 32, f"{sum(flipped)} of 40 whole-image crops are mirrored, expected about half"
