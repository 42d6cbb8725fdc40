"""The style analyzer: known photos, the cues it combines, the mood gate, broken artifacts, and
the shipped model against the committed test-split subset."""

from __future__ import annotations

import json
import os
from pathlib import Path

import numpy as np
import pytest
from PIL import Image
from skimage import data as skdata

from analyzers.style import (
    COMBINER_PATH,
    MOOD,
    STAT_NAMES,
    StyleAnalyzer,
    face_cue_from_boxes,
    image_statistics,
    text_styles,
)
from analyzers.types import (
    MOOD_STYLE_IDS,
    STYLE_IDS,
    AnalyzerUnavailable,
    DecodedImage,
    Face,
    FacesResult,
    PhotoContext,
    PostText,
    StyleResult,
)
from analyzers.vision import VisionAnalyzer

SUBSET_FILE = Path(__file__).parent / "reference" / "style_subset.json"


def photo_of(pixels: np.ndarray, text: PostText | None = None) -> PhotoContext:
    image = DecodedImage(pixels, (pixels.shape[1], pixels.shape[0]), "PNG")
    return PhotoContext(image=image, text=text)


@pytest.fixture(scope="module")
def vision() -> VisionAnalyzer:
    return VisionAnalyzer()


@pytest.fixture(scope="module")
def style() -> StyleAnalyzer:
    return StyleAnalyzer()


def analyze(vision: VisionAnalyzer, style: StyleAnalyzer, photo: PhotoContext) -> StyleResult:
    photo.results["vision"] = vision.analyze(photo)
    return style.analyze(photo)


def test_cat_is_cute_animals(vision: VisionAnalyzer, style: StyleAnalyzer) -> None:
    result = analyze(vision, style, photo_of(skdata.chelsea()))
    assert result.top == "cute_animals"
    assert result.confidence == result.scores["cute_animals"] > 0.5


def test_espresso_is_food(vision: VisionAnalyzer, style: StyleAnalyzer) -> None:
    result = analyze(vision, style, photo_of(skdata.coffee()))
    assert result.top == "food"
    assert "looks like coffee" in result.evidence  # ImageNet's "espresso", in plain words


def test_scores_cover_every_style(vision: VisionAnalyzer, style: StyleAnalyzer) -> None:
    result = analyze(vision, style, photo_of(skdata.rocket()))
    assert set(result.scores) == set(STYLE_IDS)
    assert sum(result.scores.values()) == pytest.approx(1.0)


def test_hashtags_move_the_scores(vision: VisionAnalyzer, style: StyleAnalyzer) -> None:
    plain = analyze(vision, style, photo_of(skdata.rocket()))
    tagged = analyze(vision, style, photo_of(skdata.rocket(), PostText(hashtags=("sunset",))))
    assert tagged.scores["colorful_sky"] > plain.scores["colorful_sky"]
    assert "#sunset" in tagged.evidence


def test_dominant_face_is_evidence(vision: VisionAnalyzer, style: StyleAnalyzer) -> None:
    photo = photo_of(skdata.astronaut())
    photo.results["faces"] = FacesResult(faces=[Face((170, 40, 120, 150), 0.9, {})], pose=None)
    without = analyze(vision, style, photo_of(skdata.astronaut()))
    with_face = analyze(vision, style, photo)
    assert any("one face close to the camera" in e for e in with_face.evidence)
    assert with_face.scores["selfie"] > without.scores["selfie"]


def test_mood_is_gated(vision: VisionAnalyzer, style: StyleAnalyzer) -> None:
    result = analyze(vision, style, photo_of(skdata.coffee(), PostText(hashtags=("sad",))))
    # The caption alone does not make an espresso a sad photo: the mood stays below the gate.
    assert all(result.scores[m] == 0.0 for m in MOOD_STYLE_IDS)


def test_without_vision_result_is_unavailable(style: StyleAnalyzer) -> None:
    with pytest.raises(AnalyzerUnavailable):
        style.analyze(photo_of(skdata.coffee()))


@pytest.mark.parametrize("content", [None, "{not json", '{"classes": []}'])
def test_broken_combiner_is_unavailable(tmp_path: Path, content: str | None) -> None:
    path = tmp_path / "style_combiner.json"
    if content is not None:
        path.write_text(content)
    with pytest.raises(AnalyzerUnavailable):
        StyleAnalyzer(path)


def test_truncated_combiner_is_unavailable(tmp_path: Path) -> None:
    spec = json.loads(COMBINER_PATH.read_text())
    spec["with_faces"]["coef"] = spec["with_faces"]["coef"][:3]
    path = tmp_path / "style_combiner.json"
    path.write_text(json.dumps(spec))
    with pytest.raises(AnalyzerUnavailable):
        StyleAnalyzer(path)


def test_image_statistics_tell_night_from_sunset() -> None:
    night = np.full((120, 160, 3), 8, np.uint8)
    for x in range(20, 140, 20):
        night[40:48, x : x + 8] = 250  # a row of street lights
    sunset = np.zeros((120, 160, 3), np.uint8)
    sunset[..., 0] = np.linspace(120, 250, 120, dtype=np.uint8)[:, None]  # brightening
    sunset[..., 1] = np.linspace(30, 150, 120, dtype=np.uint8)[:, None]
    sunset[..., 2] = 60
    stats = {
        name: dict(zip(STAT_NAMES, image_statistics(pixels), strict=True))
        for name, pixels in (("night", night), ("sunset", sunset))
    }
    assert stats["night"]["dark_fraction"] > 0.9
    assert stats["night"]["bright_points_in_dark"] > 0
    assert stats["sunset"]["bright_points_in_dark"] == 0
    assert stats["sunset"]["upper_warm_fraction"] > 0.9
    assert stats["sunset"]["upper_vertical_gradient"] > 0.1


def test_text_styles_reads_hashtags_and_caption() -> None:
    found = text_styles(PostText(caption="Best brunch ever!", hashtags=("gym", "unrelated")))
    assert ("food", "brunch") in found and ("sports", "gym") in found
    assert text_styles(None) == []


def test_face_cue() -> None:
    assert face_cue_from_boxes([], 100, 100).tolist() == [0.0, 0.0]
    share, count = face_cue_from_boxes([(0, 0, 50, 50), (60, 60, 10, 10)], 100, 100)
    assert share == pytest.approx(0.25) and count == pytest.approx(2 / 3)


def _data_dir() -> Path:
    default = Path(__file__).resolve().parents[3] / "shared" / "data"
    return Path(os.environ.get("DIGBOT_DATA", default))


@pytest.mark.slow
def test_shipped_model_reproduces_test_subset(vision: VisionAnalyzer, style: StyleAnalyzer) -> None:
    data = _data_dir()
    if not (data / "images").is_dir():
        pytest.skip(f"data sets not found at {data} (set DIGBOT_DATA)")
    subset = json.loads(SUBSET_FILE.read_text())
    predicted = []
    for rel in subset["paths"]:
        with Image.open(data / rel) as im:
            result = analyze(vision, style, photo_of(np.asarray(im.convert("RGB"))))
        predicted.append(MOOD if result.top in MOOD_STYLE_IDS else result.top)
    agree = np.mean([p == q for p, q in zip(predicted, subset["predicted"], strict=True)])
    accuracy = np.mean([p == t for p, t in zip(predicted, subset["labels"], strict=True)])
    assert agree >= 0.98
    assert accuracy == pytest.approx(subset["accuracy"], abs=2 / len(subset["paths"]))
