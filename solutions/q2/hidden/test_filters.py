"""Hidden tests of q2.1-q2.3: the kernels by what they do, other photos and sizes, a non-square figure."""
import numpy as np
import pytest
import scipy.ndimage

import gradekit
from gradekit import data
from gradekit.checks import q2 as checks
from gradekit.probes import q2 as probes
from gradekit.testing import assert_close, assert_equal

filters = gradekit.submission("q2.filters")


def coffee_gray():
    """scikit-image's coffee photo (400x600) in grayscale, float64 in [0, 1]: wider than tall."""
    return data.photo("coffee", gray=True).astype(np.float64) / 255.0


@pytest.mark.task("q2.1")
def test_sobel_kernels_measure_the_slope_of_a_ramp():
    kx, ky = filters.sobel_kernels()
    rows, cols = np.mgrid[0:3, 0:3].astype(np.float64)
    # Brightness rising by 1 per column: Sobel-X answers 8 (2 per unit over 1+2+1 rows), Sobel-Y 0.
    for name, kernel, along, across in (("Sobel-X", kx, cols, rows), ("Sobel-Y", ky, rows, cols)):
        assert_close(np.sum(kernel * along), 8.0, atol=1e-12, name=f"{name} applied to a ramp along its axis")
        assert_close(np.sum(kernel * across), 0.0, atol=1e-12, name=f"{name} applied to a ramp across its axis")
        assert_close(np.sum(kernel), 0.0, atol=1e-12, name=f"the sum of {name}'s weights (flat regions give 0)")


@pytest.mark.task("q2.2")
def test_sobel_edges_of_the_coffee_photo_match_scipy():
    image = coffee_gray()
    got = filters.sobel_edges(image)
    sx, sy = scipy.ndimage.sobel(image, axis=1), scipy.ndimage.sobel(image, axis=0)
    for name, value, expected in zip(("Sobel-X", "Sobel-Y", "magnitude"), got, (sx, sy, np.hypot(sx, sy))):
        assert_close(value, expected, rtol=1e-9, atol=1e-9, name=f"{name} of the 400x600 coffee photo")


@pytest.mark.task("q2.2")
def test_sobel_edges_of_small_odd_images():
    rng = np.random.default_rng(22)
    for shape in [(1, 7), (5, 1), (2, 2), (3, 8), (9, 4)]:
        image = rng.random(shape)
        gx, gy, magnitude = filters.sobel_edges(image)
        sx, sy = scipy.ndimage.sobel(image, axis=1), scipy.ndimage.sobel(image, axis=0)
        assert_close(gx, sx, rtol=1e-10, atol=1e-12, name=f"Sobel-X of a random {shape} image")
        assert_close(gy, sy, rtol=1e-10, atol=1e-12, name=f"Sobel-Y of a random {shape} image")
        assert_close(magnitude, np.hypot(sx, sy), rtol=1e-10, atol=1e-12, name=f"magnitude of a {shape} image")


@pytest.mark.task("q2.3")
def test_plot_sobel_of_a_wide_photo(tmp_path):
    image = coffee_gray()[::2, ::2]
    path = tmp_path / "coffee_sobel.png"
    fig = filters.plot_sobel(image, path)
    shown = probes.figure_summary(fig)
    expected = [image, scipy.ndimage.sobel(image, axis=1), scipy.ndimage.sobel(image, axis=0)]
    assert_equal((shown["axes"], [t.strip().lower() for t in shown["titles"]]),
                 (3, ["original", "sobel-x", "sobel-y"]), name="(number of panels, their titles)")
    for i, (array, reference) in enumerate(zip(shown["images"], expected)):
        assert array is not None, f"panel {i + 1} shows no image"
        assert_close(array, reference, rtol=1e-9, atol=1e-9, name=f"the array in panel {i + 1} (a 200x300 photo)")
    png = checks.png_summary(path)
    assert png["format"] == "PNG" and png["width"] > png["height"] >= 150 and png["non_background"] > 0.2, (
        f"expected a non-blank PNG of three panels side by side, found {png}")
