"""Our LiteRT emotion classifier gives fer's own probabilities on the same face boxes."""

from __future__ import annotations

import os
from pathlib import Path

import cv2
import numpy as np
import pytest
from skimage import data as skdata

from analyzers.emotions import EmotionModel
from analyzers.faces import FacesAnalyzer
from analyzers.images import decode_image
from analyzers.types import EMOTION_IDS, DecodedImage, PhotoContext

pytestmark = pytest.mark.slow

DATA = Path(os.environ.get("DIGBOT_DATA", Path(__file__).resolve().parents[3] / "shared" / "data"))
SELFIES = DATA / "images" / "ucf_selfies" / "selfie"
GROUP = DATA / "images" / "sports6" / "football" / "Football_211.jpg"


def shared_photos() -> list[np.ndarray]:
    """A dozen selfies and a group photo from the shared data (first by name: deterministic)."""
    if not SELFIES.is_dir():
        pytest.skip(f"shared data not found: {SELFIES} (set DIGBOT_DATA to the shared data)")
    paths = [*sorted(SELFIES.glob("*.jpg"))[:12], GROUP]
    return [decode_image(p.read_bytes()).pixels for p in paths if p.is_file()]


def edge_boxes(pixels: np.ndarray) -> list[tuple[int, int, int, int]]:
    """Boxes that exercise fer's squaring, offsets and padding at the borders."""
    height, width = pixels.shape[:2]
    return [(0, 0, 31, 52), (width - 40, height - 25, 40, 25), (5, height // 2, 70, 33)]


def test_emotions_match_fer_on_real_faces(monkeypatch: pytest.MonkeyPatch) -> None:
    fer_module = pytest.importorskip("fer.fer", reason="fer (and TensorFlow) are test-group only")
    # fer rounds each probability to two decimals with the builtin round(); shadowing it in
    # fer's module compares its unrounded probabilities (rounding alone is worth 0.005).
    monkeypatch.setattr(fer_module, "round", lambda value, _: value, raising=False)
    fer = fer_module.FER(use_tflite=True)
    ours = EmotionModel()
    faces = FacesAnalyzer()
    photos = [skdata.astronaut(), *shared_photos()]
    real_faces = compared = 0
    worst = 0.0
    for pixels in photos:
        image = DecodedImage(pixels, (pixels.shape[1], pixels.shape[0]), "PNG")
        found = [face.box for face in faces.analyze(PhotoContext(image)).faces]
        real_faces += len(found)
        boxes = found + edge_boxes(pixels)
        expected = fer.detect_emotions(
            cv2.cvtColor(pixels, cv2.COLOR_RGB2BGR), face_rectangles=boxes
        )
        assert len(expected) == len(boxes)
        for got, item in zip(ours.classify(pixels, boxes), expected, strict=True):
            want = item["emotions"]
            assert set(got) == set(EMOTION_IDS)
            worst = max(worst, *(abs(got[e] - want[e]) for e in EMOTION_IDS))
            compared += 1
    assert real_faces >= 10 and compared == real_faces + 3 * len(photos)
    print(f"{compared} faces, {real_faces} detected: largest difference {worst:.4f}")
    assert worst <= 0.01
