"""Checks that chart bytes are a phone-sized, non-blank image: a PNG, or a JPEG for the cards
that are mostly a photo (the selfie card, the heat map)."""

from __future__ import annotations

import io

import numpy as np
from PIL import Image

WIDTH = 1080


def decode(png: bytes) -> np.ndarray:
    image = Image.open(io.BytesIO(png))
    assert image.format in ("PNG", "JPEG")
    return np.asarray(image.convert("RGB"))


def assert_chart(png: bytes, min_std: float = 8.0) -> np.ndarray:
    """An image 1080 px wide, neither a sliver nor taller than a phone screen shows at once
    (charts are as tall as their content needs), that is not blank (a chart that only says
    "no data" still has its title and message: a blank page has a standard deviation of 0)."""
    pixels = decode(png)
    assert pixels.shape[1] == WIDTH
    assert 0.4 * WIDTH <= pixels.shape[0] <= 1.4 * WIDTH
    assert pixels.std() > min_std, "the chart is (nearly) blank"
    return pixels
