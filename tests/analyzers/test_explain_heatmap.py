"""The occlusion heat map: its geometry matches the backbone's padded input, it agrees with the
vision analyzer, and running it in small batches changes nothing."""

from __future__ import annotations

import numpy as np
import pytest
from skimage import data as skdata

from analyzers import explain
from analyzers.explain import backbone_of, backbone_square, explain_style
from analyzers.types import DecodedImage
from analyzers.vision import CROP, PAD_COLOUR, VisionAnalyzer, prepare_for_backbone


def decoded(pixels: np.ndarray) -> DecodedImage:
    return DecodedImage(pixels, (pixels.shape[1], pixels.shape[0]), "PNG")


@pytest.fixture(scope="module")
def vision() -> VisionAnalyzer:
    return VisionAnalyzer()


@pytest.mark.parametrize("shape", [(400, 600), (600, 400), (512, 512), (300, 451)])
def test_backbone_square_is_what_the_backbone_sees(shape: tuple[int, int]) -> None:
    height, width = shape
    top, left, side = backbone_square(height, width)
    pixels = np.full((height, width, 3), 255, np.uint8)
    seen = prepare_for_backbone(pixels)
    scale = CROP / side
    y0, y1 = round(-top * scale), round((-top + height) * scale)
    x0, x1 = round(-left * scale), round((-left + width) * scale)
    assert seen[y0 + 2 : y1 - 2, x0 + 2 : x1 - 2].min() > 250  # the photo is where it says...
    seen[max(0, y0 - 2) : y1 + 2, max(0, x0 - 2) : x1 + 2] = PAD_COLOUR
    assert np.abs(seen - np.array(PAD_COLOUR)).max() < 1  # ...and the rest is padding


def test_explanation_agrees_with_the_vision_analyzer(vision: VisionAnalyzer) -> None:
    image = decoded(skdata.chelsea())
    model = backbone_of([object(), vision])
    assert model is not None
    why = explain_style(image, "cute_animals", model)
    expected = vision.analyze_batch([image])[0].style_probabilities["cute_animals"]
    assert why.probability == pytest.approx(expected, abs=1e-3)
    assert why.heat.shape == (image.height, image.width)
    top, left, side = why.seen
    outside = why.heat.copy()
    outside[top : top + side, left : left + side] = 0
    assert not outside.any()  # nothing is claimed where the model never looked
    assert why.heat.max() == pytest.approx(1.0, abs=0.02)


def test_batch_size_does_not_change_the_map(
    vision: VisionAnalyzer, monkeypatch: pytest.MonkeyPatch
) -> None:
    image = decoded(skdata.coffee())
    model = backbone_of([vision])
    small = explain_style(image, "food", model)
    monkeypatch.setattr(explain, "BATCH", explain.GRID * explain.GRID + 1)
    whole = explain_style(image, "food", model)
    assert np.abs(small.heat - whole.heat).max() < 1e-2
    assert small.probability == pytest.approx(whole.probability, abs=1e-4)


def test_no_backbone_among_other_analyzers() -> None:
    assert backbone_of([object()]) is None


@pytest.mark.xfail(
    strict=True,
    reason="round five's A9 adds up to 3 log 2 to cute_animals while ImageNet is over half sure "
    "of a pet: hiding one patch takes the pet mass from 0.85 to 0.50 and removes the term "
    "(a 2.41 log-odds drop, <= 0.83 elsewhere), so after scaling by the largest drop 13% of "
    "the square is above 0.2 (57% with A6)",
)
def test_a_confident_photo_still_gets_a_graded_map(vision: VisionAnalyzer) -> None:
    # The head is sure of Chelsea the cat (99.9% before issue 19; 96% with round two's head,
    # which also reads the ImageNet prior): measured in probability, hiding any one patch
    # barely matters and the map is mostly one hot spot (48% of the seen pixels above 0.2
    # then, 31% with round two's head); in log-odds the cat's face shows (57%).
    why = explain_style(decoded(skdata.chelsea()), "cute_animals", backbone_of([vision]))
    top, left, side = why.seen
    assert why.probability > 0.9
    assert (why.heat[top : top + side, left : left + side] > 0.2).mean() > 0.5
