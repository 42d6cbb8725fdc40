"""Photo-quality signals: each formula on images whose answer is known."""

from __future__ import annotations

import cv2
import numpy as np
import pytest
from skimage import data as skdata

from analyzers.quality import (
    PhotoQuality,
    QualityAnalyzer,
    colorfulness,
    exposure,
    face_placement,
    laplacian_variance,
    luminance,
    rms_contrast,
    sharpness_score,
)
from analyzers.types import DecodedImage, Face, FacesResult, PhotoContext


def context(pixels: np.ndarray, **results: object) -> PhotoContext:
    image = DecodedImage(
        pixels=pixels, original_size=(pixels.shape[1], pixels.shape[0]), format="PNG"
    )
    return PhotoContext(image=image, results=dict(results))


@pytest.fixture(scope="module")
def astronaut() -> np.ndarray:
    return skdata.astronaut()


def test_blurred_image_is_less_sharp_than_its_original(astronaut: np.ndarray) -> None:
    blurred = cv2.GaussianBlur(astronaut, (0, 0), sigmaX=3)
    sharp_v, blurred_v = laplacian_variance(astronaut), laplacian_variance(blurred)
    assert blurred_v < 0.2 * sharp_v
    assert sharpness_score(blurred_v) < 0.5 < sharpness_score(sharp_v)


def test_sharpness_is_measured_at_one_scale(astronaut: np.ndarray) -> None:
    """A 2× upscale has a tenth of the raw Laplacian variance at full size; analysed back at
    512 px it keeps the same order of magnitude (and stays on the sharp side of 0.5)."""
    big = cv2.resize(astronaut, (1024, 1024), interpolation=cv2.INTER_CUBIC)
    raw_big = cv2.Laplacian(cv2.cvtColor(big, cv2.COLOR_RGB2GRAY), cv2.CV_64F).var()
    assert raw_big < 0.2 * laplacian_variance(astronaut)
    assert laplacian_variance(big) > 0.5 * laplacian_variance(astronaut)
    assert sharpness_score(laplacian_variance(big)) > 0.8


def test_sharpness_score_is_monotonic_and_bounded() -> None:
    scores = [sharpness_score(v) for v in (0.0, 10.0, 100.0, 1000.0, 1e9)]
    assert scores == sorted(scores)
    assert scores[0] == 0.0 and scores[2] == 0.5 and scores[-1] < 1.0


def test_dark_image_has_low_exposure_and_crushed_shadows(astronaut: np.ndarray) -> None:
    dark = (astronaut * 0.15).astype(np.uint8)
    bright, _, _ = exposure(luminance(astronaut))
    dim, shadows, highlights = exposure(luminance(dark))
    assert dim < 0.1 < bright
    assert shadows > 0.2 and highlights == 0.0


def test_overexposed_image_has_blown_highlights(astronaut: np.ndarray) -> None:
    blown = np.clip(astronaut.astype(np.int32) * 3, 0, 255).astype(np.uint8)
    _, _, highlights = exposure(luminance(blown))
    assert highlights > 0.3


def test_contrast_of_flat_and_half_black_half_white() -> None:
    flat = np.full((10, 10, 3), 128, np.uint8)
    split = np.zeros((10, 10, 3), np.uint8)
    split[:, 5:] = 255
    assert rms_contrast(luminance(flat)) == pytest.approx(0.0, abs=1e-6)
    assert rms_contrast(luminance(split)) == pytest.approx(0.5, abs=1e-3)


def test_colorfulness_grey_is_zero_and_saturated_is_high() -> None:
    grey = np.tile(np.linspace(0, 255, 64, dtype=np.uint8)[:, None, None], (1, 64, 3))
    stripes = np.zeros((64, 64, 3), np.uint8)
    stripes[:, :21] = (255, 0, 0)
    stripes[:, 21:42] = (0, 255, 0)
    stripes[:, 42:] = (0, 0, 255)
    assert colorfulness(grey) == pytest.approx(0.0, abs=1e-3)
    assert colorfulness(stripes) > 109, "'extremely colourful' on Hasler–Süsstrunk's scale"


def test_desaturating_lowers_colorfulness(astronaut: np.ndarray) -> None:
    grey = cv2.cvtColor(cv2.cvtColor(astronaut, cv2.COLOR_RGB2GRAY), cv2.COLOR_GRAY2RGB)
    half = ((astronaut.astype(np.float32) + grey) / 2).astype(np.uint8)
    assert colorfulness(grey) < colorfulness(half) < colorfulness(astronaut)


@pytest.mark.parametrize(
    ("box", "placement"),
    [
        ((40, 40, 20, 20), "centered"),
        ((23, 23, 20, 20), "thirds"),  # centre (33, 33) of a 100×100 frame
        ((0, 80, 10, 10), "elsewhere"),
    ],
)
def test_face_placement(box: tuple[int, int, int, int], placement: str) -> None:
    center, label = face_placement(box, 100, 100)
    assert label == placement
    assert center == ((box[0] + box[2] / 2) / 100, (box[1] + box[3] / 2) / 100)


def test_analyzer_without_faces_reports_no_face_signals(astronaut: np.ndarray) -> None:
    quality = QualityAnalyzer().analyze(context(astronaut))
    assert isinstance(quality, PhotoQuality)
    assert quality.face_count == 0 and quality.face_fraction is None and quality.smile is None
    assert 0.0 < quality.brightness < 1.0 and 0.0 < quality.sharpness < 1.0


def test_analyzer_reads_the_main_face(astronaut: np.ndarray) -> None:
    happy = dict.fromkeys(("angry", "disgust", "fear", "sad", "surprise", "neutral"), 0.02)
    faces = FacesResult(
        faces=[
            Face(box=(10, 10, 20, 20), detection_score=0.9, emotions={}),
            Face(box=(192, 192, 128, 128), detection_score=0.9, emotions={**happy, "happy": 0.88}),
        ],
        pose=None,
    )
    quality = QualityAnalyzer().analyze(context(astronaut, faces=faces))
    assert quality.face_count == 2
    assert quality.face_fraction == pytest.approx(128 * 128 / 512**2)
    assert quality.smile == pytest.approx(0.88)
    assert quality.face_placement == "centered"


def test_face_without_emotions_has_no_smile(astronaut: np.ndarray) -> None:
    faces = FacesResult(faces=[Face((0, 0, 50, 50), 0.9, {})], pose=None)
    quality = QualityAnalyzer().analyze(context(astronaut, faces=faces))
    assert quality.face_count == 1 and quality.smile is None
