"""q2.1-q2.3: Sobel kernels, Sobel edges of a real photo (against scipy), and the three-panel figure."""
import numpy as np
import pytest
import scipy.ndimage

import gradekit
from gradekit import data
from gradekit.checks import q2 as checks
from gradekit.probes import q2 as probes
from gradekit.testing import assert_close, assert_equal

filters = gradekit.submission("q2.filters")


def camera():
    """scikit-image's cameraman photo, 512x512 grayscale, as float64 in [0, 1]."""
    return data.photo("camera", gray=True).astype(np.float64) / 255.0


def scipy_sobel(image):
    """Sobel-X and Sobel-Y from scipy: axis 1 differentiates along the columns. Its default border
    mode 'reflect' repeats the edge pixel, which for a 3x3 kernel equals np.pad's 'edge'."""
    return scipy.ndimage.sobel(image, axis=1), scipy.ndimage.sobel(image, axis=0)


@pytest.mark.task("q2.1")
def test_sobel_kernels_point_right_and_down():
    kx, ky = filters.sobel_kernels()
    assert_equal(kx, np.array([[-1.0, 0, 1], [-2, 0, 2], [-1, 0, 1]]), name="Sobel-X kernel")
    assert_equal(ky, np.array([[-1.0, -2, -1], [0, 0, 0], [1, 2, 1]]), name="Sobel-Y kernel")


@pytest.mark.task("q2.2")
def test_sobel_edges_of_a_vertical_step():
    # Dark left half, bright right half: only Sobel-X responds, +4 on the two columns at the step.
    image = np.zeros((5, 6))
    image[:, 3:] = 1.0
    gx, gy, magnitude = filters.sobel_edges(image)
    expected_gx = np.zeros((5, 6))
    expected_gx[:, 2:4] = 4.0
    assert_close(gx, expected_gx, atol=1e-12, name="Sobel-X of a vertical step")
    assert_close(gy, np.zeros((5, 6)), atol=1e-12, name="Sobel-Y of a vertical step")
    assert_close(magnitude, expected_gx, atol=1e-12, name="gradient magnitude of a vertical step")


@pytest.mark.task("q2.2")
def test_sobel_edges_of_the_camera_photo_match_scipy():
    image = camera()
    gx, gy, magnitude = filters.sobel_edges(image)
    sx, sy = scipy_sobel(image)
    assert_close(gx, sx, rtol=1e-9, atol=1e-9, name="Sobel-X of the camera photo")
    assert_close(gy, sy, rtol=1e-9, atol=1e-9, name="Sobel-Y of the camera photo")
    assert_close(magnitude, np.hypot(sx, sy), rtol=1e-9, atol=1e-9, name="gradient magnitude of the camera photo")


@pytest.mark.task("q2.3")
def test_plot_sobel_draws_and_saves_three_titled_panels(tmp_path):
    image = camera()[::2, ::2]
    path = tmp_path / "sobel.png"
    summary = probes.figure_summary(filters.plot_sobel(image, path))
    assert_equal(summary["axes"], 3, name="the number of panels (axes) in the figure")
    assert_equal([t.strip().lower() for t in summary["titles"]], ["original", "sobel-x", "sobel-y"],
                 name="the panel titles (compared in lower case)")
    for title, shown, expected in zip(("Original", "Sobel-X", "Sobel-Y"), summary["images"], (image, *scipy_sobel(image))):
        assert shown is not None, f"the {title} panel shows no image (draw it with imshow)"
        assert_close(shown, expected, rtol=1e-9, atol=1e-9, name=f"the array shown in the {title} panel")
    png = checks.png_summary(path)
    assert_equal(png["format"], "PNG", name=f"the format of the file written to {path.name}")
    assert png["width"] >= 600 and png["height"] >= 150 and png["width"] > png["height"], (
        f"the PNG is {png['width']}x{png['height']} pixels; expected three panels side by side, at least 600x150")
    assert png["gray_std"] > 10 and png["non_background"] > 0.2, (
        f"the PNG looks blank: {png['non_background']:.0%} of its pixels differ from the background")
