"""The fixed sample photos that scikit-image and scikit-learn ship (no download needed)."""

from __future__ import annotations

import numpy as np
from skimage import data
from sklearn.datasets import load_sample_images


def sample_images() -> dict[str, np.ndarray]:
    """Name -> RGB uint8 (H, W, 3), in a fixed order."""
    images = {name: getattr(data, name)() for name in ("astronaut", "coffee", "chelsea", "rocket")}
    china, flower = load_sample_images().images
    images["china"], images["flower"] = china, flower
    return {k: np.ascontiguousarray(v[..., :3]).astype(np.uint8) for k, v in images.items()}
