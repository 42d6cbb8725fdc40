"""Checks that chart bytes are a phone-sized, non-blank PNG."""

from __future__ import annotations

import io

import numpy as np
from PIL import Image

WIDTH = 1080


def decode(png: bytes) -> np.ndarray:
    image = Image.open(io.BytesIO(png))
    assert image.format == "PNG"
    return np.asarray(image.convert("RGB"))


def assert_chart(png: bytes, min_std: float = 8.0) -> np.ndarray:
    """A PNG 1080 px wide, neither a sliver nor taller than a phone screen shows at once
    (charts are as tall as their content needs), that is not blank (a chart that only says
    "no data" still has its title and message: a blank page has a standard deviation of 0)."""
    pixels = decode(png)
    assert pixels.shape[1] == WIDTH
    assert 0.4 * WIDTH <= pixels.shape[0] <= 1.4 * WIDTH
    assert pixels.std() > min_std, "the chart is (nearly) blank"
    return pixels
