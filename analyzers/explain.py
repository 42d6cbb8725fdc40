"""What made a photo its style: an occlusion heat map from the image-only style head.

A grey square slides over the backbone's 224x224 centre crop (GRID x GRID positions, one
batched forward pass); where hiding a region lowers the style's probability most, the map is
hottest. The map is drawn back onto the photo's own pixels; the parts outside the centre crop
(which the model never sees) are 0.
"""

from __future__ import annotations

import numpy as np
from PIL import Image

from analyzers.types import STYLE_IDS, DecodedImage
from analyzers.vision import CROP, RESIZE_TO, VisionModel, crop_for_backbone

GRID = 7
PATCH = 64
GREY = 124.0  # about the ImageNet mean pixel: "nothing here" for the network


def style_heatmap(image: DecodedImage, style: str, model: VisionModel | None = None) -> np.ndarray:
    """(height, width) float32 in 0..1: how much each region supports `style`."""
    if style not in STYLE_IDS:
        raise ValueError(f"unknown style {style!r}")
    model = VisionModel() if model is None else model
    crop = crop_for_backbone(image.pixels)
    centres = np.linspace(PATCH // 2, CROP - PATCH // 2, GRID).astype(int)
    batch = [crop]
    for cy in centres:
        for cx in centres:
            occluded = crop.copy()
            occluded[cy - PATCH // 2 : cy + PATCH // 2, cx - PATCH // 2 : cx + PATCH // 2] = GREY
            batch.append(occluded)
    _, _, styles = model.run(np.stack(batch))
    column = STYLE_IDS.index(style)
    drop = np.clip(styles[0, column] - styles[1:, column], 0.0, None).reshape(GRID, GRID)
    if drop.max() > 0:
        drop /= drop.max()
    return _onto_photo(drop.astype(np.float32), image.height, image.width)


def _onto_photo(grid: np.ndarray, height: int, width: int) -> np.ndarray:
    """Stretch the crop's map over the part of the photo that the centre crop covers."""
    scale = RESIZE_TO / min(height, width)
    side = min(height, width, max(1, round(CROP / scale)))
    top, left = (height - side) // 2, (width - side) // 2
    patch = Image.fromarray(grid).resize((side, side), Image.Resampling.BILINEAR)
    out = np.zeros((height, width), np.float32)
    out[top : top + side, left : left + side] = np.clip(np.asarray(patch), 0.0, 1.0)
    return out
