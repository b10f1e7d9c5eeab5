"""Regenerate sobel_camera.png, the reference solution's figure shown in ANSWERS.md.

Run from the course repository: ``python solutions/q2/figures/make_sobel_figure.py``.
"""
from pathlib import Path

import numpy as np

import gradekit
from gradekit import data

if __name__ == "__main__":
    image = data.photo("camera", gray=True).astype(np.float64) / 255.0
    out = Path(__file__).with_name("sobel_camera.png")
    gradekit.reference("q2.filters").plot_sobel(image, out)
    print(f"wrote {out}")
