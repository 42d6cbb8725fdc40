"""What made a photo its style: an occlusion heat map from the image-only style head.

A grey square slides over the backbone's 224x224 input, the whole photo padded to a square
(GRID x GRID positions, run in batches of BATCH crops); where hiding a region lowers the
style's log-odds most, the map is hottest. The map is drawn back onto the photo's own pixels
(the padding falls off the edges).
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
from PIL import Image

from analyzers.types import STYLE_IDS, DecodedImage, StyleExplanation
from analyzers.vision import CROP, VisionAnalyzer, VisionModel, prepare_for_backbone

GRID = 7
PATCH = 64
GREY = 124.0  # about the ImageNet mean pixel: "nothing here" for the network
BATCH = 10
"""Crops per forward pass. Measured once on the 2-core dev machine (coffee photo, warm model):
all 50 in one pass took 1.1 s and ~380 MB more peak memory; 10 at a time 0.9 s and ~76 MB."""


def backbone_of(analyzers: Iterable[object]) -> VisionModel | None:
    """The loaded vision analyzer's model, so the heat map reuses it instead of loading a copy."""
    for analyzer in analyzers:
        if isinstance(analyzer, VisionAnalyzer):
            return analyzer.model
    return None


def style_heatmap(image: DecodedImage, style: str, model: VisionModel | None = None) -> np.ndarray:
    """(height, width) float32 in 0..1: how much each region supports `style`."""
    return explain_style(image, style, model).heat


def explain_style(
    image: DecodedImage, style: str, model: VisionModel | None = None
) -> StyleExplanation:
    """The occlusion map of `style` on `image`, with the head's own probability of it."""
    if style not in STYLE_IDS:
        raise ValueError(f"unknown style {style!r}")
    model = VisionModel() if model is None else model
    crop = prepare_for_backbone(image.pixels)
    centres = np.linspace(PATCH // 2, CROP - PATCH // 2, GRID).astype(int)
    batch = [crop]
    for cy in centres:
        for cx in centres:
            occluded = crop.copy()
            occluded[cy - PATCH // 2 : cy + PATCH // 2, cx - PATCH // 2 : cx + PATCH // 2] = GREY
            batch.append(occluded)
    styles = np.concatenate(
        [model.run(np.stack(batch[i : i + BATCH]))[2] for i in range(0, len(batch), BATCH)]
    )
    column = STYLE_IDS.index(style)
    shares = styles[:, column].astype(np.float64) / styles.sum(axis=1)
    odds = _log_odds(shares)
    drop = np.clip(odds[0] - odds[1:], 0.0, None).reshape(GRID, GRID)
    if drop.max() > 0:
        drop /= drop.max()
    heat = _onto_photo(drop.astype(np.float32), backbone_square(image.height, image.width), image)
    return StyleExplanation(heat, float(shares[0]), (0, 0, max(image.height, image.width)))


def _log_odds(p: np.ndarray) -> np.ndarray:
    """log(p / (1 - p)), clipped away from 0 and 1. Drops are measured in log-odds because a
    confident head (p = 0.999) barely moves in probability when one patch is hidden: the
    probability map is then one hot spot, the log-odds map shows every part that mattered."""
    p = np.clip(p, 1e-6, 1 - 1e-6)
    return np.asarray(np.log(p / (1 - p)))


def backbone_square(height: int, width: int) -> tuple[int, int, int]:
    """(top, left, side) in the photo's pixels of the square `prepare_for_backbone` feeds the
    model: the photo centred on a square of its longer side (top or left < 0: padding)."""
    side = max(height, width)
    return (height - side) // 2, (width - side) // 2, side


def _onto_photo(grid: np.ndarray, square: tuple[int, int, int], image: DecodedImage) -> np.ndarray:
    """Stretch the input's map over its square and keep the part that lies on the photo."""
    top, left, side = square
    patch = Image.fromarray(grid).resize((side, side), Image.Resampling.BILINEAR)
    patch_values = np.clip(np.asarray(patch), 0.0, 1.0)
    return np.ascontiguousarray(
        patch_values[-top : -top + image.height, -left : -left + image.width], np.float32
    )
