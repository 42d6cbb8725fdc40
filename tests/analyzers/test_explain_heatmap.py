"""The occlusion heat map: its geometry matches the backbone's crop, it agrees with the vision
analyzer, and running it in small batches changes nothing."""

from __future__ import annotations

import numpy as np
import pytest
from skimage import data as skdata

from analyzers import explain
from analyzers.explain import backbone_of, explain_style, seen_square
from analyzers.types import DecodedImage
from analyzers.vision import VisionAnalyzer, crop_for_backbone


def decoded(pixels: np.ndarray) -> DecodedImage:
    return DecodedImage(pixels, (pixels.shape[1], pixels.shape[0]), "PNG")


@pytest.fixture(scope="module")
def vision() -> VisionAnalyzer:
    return VisionAnalyzer()


@pytest.mark.parametrize("shape", [(400, 600), (600, 400), (512, 512), (300, 451)])
def test_seen_square_is_what_the_backbone_crops(shape: tuple[int, int]) -> None:
    height, width = shape
    top, left, side = seen_square(height, width)
    pixels = np.zeros((height, width, 3), np.uint8)
    pixels[top : top + side, left : left + side] = 255
    crop = crop_for_backbone(pixels)
    assert crop[2:-2, 2:-2].min() > 250  # all of the crop comes from inside the square...
    pixels[:] = 255
    pixels[top + 3 : top + side - 3, left + 3 : left + side - 3] = 0
    assert crop_for_backbone(pixels)[4:-4, 4:-4].max() < 5  # ...and it fills the square


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


def test_a_confident_photo_still_gets_a_graded_map(vision: VisionAnalyzer) -> None:
    # The head is 99.9% sure of Chelsea the cat: measured in probability, hiding any one patch
    # barely matters and the map was mostly one hot spot (48% of the seen pixels above 0.2);
    # in log-odds the cat's face shows (97%).
    why = explain_style(decoded(skdata.chelsea()), "cute_animals", backbone_of([vision]))
    top, left, side = why.seen
    assert why.probability > 0.99
    assert (why.heat[top : top + side, left : left + side] > 0.2).mean() > 0.6
