"""The style analyzer: known photos (one fits no style), the `other` threshold, the text cue,
the mood gate, broken artifacts, and the shipped model against the committed test subset."""

from __future__ import annotations

import json
import os
from pathlib import Path

import numpy as np
import pytest
from PIL import Image
from skimage import data as skdata

from analyzers.imagenet import plain_words
from analyzers.style import (
    MOOD,
    RULES_PATH,
    StyleAnalyzer,
    largest_face_share,
    text_styles,
    two_tone_share,
)
from analyzers.types import (
    MOOD_STYLE_IDS,
    OTHER_STYLE,
    STYLE_OUTCOMES,
    AnalyzerUnavailable,
    DecodedImage,
    Face,
    FacesResult,
    PhotoContext,
    PostText,
    StyleResult,
)
from analyzers.vision import VisionAnalyzer, pad_for_backbone, prepare_for_backbone

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
    assert result.confidence == result.scores["food"] > 0.5
    assert "looks like coffee" in result.evidence  # ImageNet's "espresso", in plain words


@pytest.mark.xfail(
    strict=True,
    reason="round five ships A9 by the pre-registered rule; its ship split chose `other_p` 0.75 "
    "and this photo's `other` probability is 0.34 (the most probable class, under 0.75): "
    "A6's `max` 0.35 called it other (analyzers/models/VISION.md, round five)",
)
def test_scanned_page_fits_no_style(vision: VisionAnalyzer, style: StyleAnalyzer) -> None:
    # A scanned page of a book: text, like the receipts and screenshots of a real feed.
    result = analyze(vision, style, photo_of(np.stack([skdata.page()] * 3, axis=-1)))
    assert result.top == OTHER_STYLE
    assert result.confidence == result.scores[OTHER_STYLE]
    assert any(e.startswith("fits none of the styles") for e in result.evidence)


@pytest.mark.xfail(
    strict=True,
    reason="round five ships A9 by the pre-registered rule; its ship split chose `other_p` 0.75 "
    "and this photo's `other` probability is 0.31 (the most probable class, under 0.75): "
    "A6's `max` 0.35 called it other (analyzers/models/VISION.md, round five)",
)
def test_motorbike_fits_no_style(vision: VisionAnalyzer, style: StyleAnalyzer) -> None:
    # A vehicle, like the cars of a real feed: none of the styles (issue 19).
    left, _, _ = skdata.stereo_motorcycle()
    result = analyze(vision, style, photo_of(np.asarray(left)))
    assert result.top == OTHER_STYLE
    assert any(e.startswith("fits none of the styles") for e in result.evidence)


def test_scores_cover_every_outcome(vision: VisionAnalyzer, style: StyleAnalyzer) -> None:
    result = analyze(vision, style, photo_of(skdata.rocket()))
    assert set(result.scores) == set(STYLE_OUTCOMES)
    assert sum(result.scores.values()) == pytest.approx(1.0)


def test_the_head_was_fitted_for_the_served_view() -> None:
    pixels = np.asarray(skdata.rocket())
    assert json.loads(RULES_PATH.read_text())["view"] == "pad"
    np.testing.assert_array_equal(prepare_for_backbone(pixels), pad_for_backbone(pixels))


def rules_with(tmp_path: Path, **changes: float | str) -> Path:
    spec = json.loads(RULES_PATH.read_text())
    spec.update(changes)
    path = tmp_path / "style_rules.json"
    path.write_text(json.dumps(spec))
    return path


@pytest.mark.parametrize("rule", ["max", "other_p"])
def test_threshold_decides_other(vision: VisionAnalyzer, tmp_path: Path, rule: str) -> None:
    photo = photo_of(skdata.chelsea())
    photo.results["vision"] = vision.analyze(photo)
    # `max`: other when the best style is under tau; `other_p`: when other reaches tau
    low, high = (0.0, 1.01) if rule == "max" else (1.01, 0.0)
    never = StyleAnalyzer(rules_with(tmp_path, other_rule=rule, other_threshold=low))
    always = StyleAnalyzer(rules_with(tmp_path, other_rule=rule, other_threshold=high))
    a, b = never.analyze(photo), always.analyze(photo)
    assert a.top == "cute_animals"
    assert b.top == OTHER_STYLE and b.scores == a.scores


def test_argmax_rule_ignores_the_threshold(vision: VisionAnalyzer, tmp_path: Path) -> None:
    cat, page = photo_of(skdata.chelsea()), photo_of(np.stack([skdata.page()] * 3, axis=-1))
    rules = StyleAnalyzer(rules_with(tmp_path, other_rule="argmax", other_threshold=1.01))
    for photo in (cat, page):
        photo.results["vision"] = vision.analyze(photo)
    result = rules.analyze(cat)
    assert result.top == "cute_animals"
    page_result = rules.analyze(page)
    best = max((s for s in page_result.scores if s != OTHER_STYLE), key=page_result.scores.get)
    expected = OTHER_STYLE if page_result.scores[OTHER_STYLE] > page_result.scores[best] else best
    assert page_result.top == expected


def test_evidence_never_shows_imagenet_names(vision: VisionAnalyzer, style: StyleAnalyzer) -> None:
    for pixels in (skdata.chelsea(), skdata.coffee(), skdata.rocket(), skdata.astronaut()):
        photo = photo_of(pixels)
        result = analyze(vision, style, photo)
        shown = [e.removeprefix("looks like ") for e in result.evidence if e.startswith("looks")]
        assert set(shown) <= set(plain_words().values())  # reviewed words, never a raw class
    cat = analyze(vision, style, photo_of(skdata.chelsea()))
    assert "looks like a cat" in cat.evidence


def test_silhouette_and_moon_get_no_wrong_words(
    vision: VisionAnalyzer, style: StyleAnalyzer
) -> None:
    # scikit-image's horse is a black silhouette on white: ImageNet reads a retriever at 0.88.
    horse = np.stack([np.where(skdata.horse(), 255, 0).astype(np.uint8)] * 3, axis=-1)
    # The moon: a flat ImageNet read (salt shaker 0.16, tennis ball 0.11).
    moon = np.stack([skdata.moon()] * 3, axis=-1)
    for pixels in (horse, moon):
        result = analyze(vision, style, photo_of(pixels))
        assert not [e for e in result.evidence if e.startswith("looks like")], result.evidence


def test_two_tone_share() -> None:
    silhouette = np.zeros((200, 300, 3), np.uint8)
    silhouette[50:150, 100:200] = 255
    assert two_tone_share(silhouette) == 1.0
    assert two_tone_share(np.asarray(skdata.chelsea())) < 0.1


def test_hashtags_move_the_scores(vision: VisionAnalyzer, style: StyleAnalyzer) -> None:
    plain = analyze(vision, style, photo_of(skdata.rocket()))
    tagged = analyze(vision, style, photo_of(skdata.rocket(), PostText(hashtags=("sunset",))))
    assert tagged.scores["colorful_sky"] > plain.scores["colorful_sky"]
    assert "#sunset" in tagged.evidence


def test_dominant_face_is_evidence(vision: VisionAnalyzer, style: StyleAnalyzer) -> None:
    photo = photo_of(skdata.astronaut())
    photo.results["faces"] = FacesResult(faces=[Face((170, 40, 120, 150), 0.9, {})], pose=None)
    with_face = analyze(vision, style, photo)
    assert any("one face close to the camera" in e for e in with_face.evidence)


def test_mood_is_gated(vision: VisionAnalyzer, style: StyleAnalyzer) -> None:
    result = analyze(vision, style, photo_of(skdata.coffee(), PostText(hashtags=("sad",))))
    # The caption alone does not make an espresso a sad photo: the mood stays below the gate.
    assert all(result.scores[m] == 0.0 for m in MOOD_STYLE_IDS)


def test_without_vision_result_is_unavailable(style: StyleAnalyzer) -> None:
    with pytest.raises(AnalyzerUnavailable):
        style.analyze(photo_of(skdata.coffee()))


@pytest.mark.parametrize(
    "content", [None, "{not json", '{"classes": []}', '{"classes": ["adventure"], "x": 1}']
)
def test_broken_rules_are_unavailable(tmp_path: Path, content: str | None) -> None:
    path = tmp_path / "style_rules.json"
    if content is not None:
        path.write_text(content)
    with pytest.raises(AnalyzerUnavailable):
        StyleAnalyzer(path)


@pytest.mark.parametrize("key", ["other_threshold", "other_rule"])
def test_rules_without_threshold_or_rule_are_unavailable(tmp_path: Path, key: str) -> None:
    spec = json.loads(RULES_PATH.read_text())
    del spec[key]
    path = tmp_path / "style_rules.json"
    path.write_text(json.dumps(spec))
    with pytest.raises(AnalyzerUnavailable):
        StyleAnalyzer(path)


def test_unknown_rule_is_unavailable(tmp_path: Path) -> None:
    with pytest.raises(AnalyzerUnavailable):
        StyleAnalyzer(rules_with(tmp_path, other_rule="vote"))


def test_text_styles_reads_hashtags_and_caption() -> None:
    found = text_styles(PostText(caption="Best brunch ever!", hashtags=("gym", "unrelated")))
    assert ("food", "brunch") in found and ("sports", "gym") in found
    assert text_styles(None) == []


def test_largest_face_share() -> None:
    assert largest_face_share([], 100, 100) == 0.0
    assert largest_face_share([(0, 0, 50, 50), (60, 60, 10, 10)], 100, 100) == pytest.approx(0.25)


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
