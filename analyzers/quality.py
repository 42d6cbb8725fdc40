"""Well-established photo-quality signals, each a small documented function of the pixels.

These are the inputs the popularity prior and the album ranking use: sharpness, exposure,
contrast, colourfulness, and, when the faces analyzer ran first, how large the main face is, where
it sits in the frame, and how much it smiles. No learned model: every number is a formula that
anyone can check by hand.

Not measured: eye contact. mediapipe's face keypoints would give a head-direction proxy at best,
and the shared Face type carries no keypoints; a gaze number would be invented, so there is none.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from typing import ClassVar, Final

import cv2
import numpy as np

from analyzers.types import FacesResult, PhotoContext

SHARPNESS_ANALYSIS_SIZE: Final = 512
"""The grey image's longer side for the Laplacian, so photos of different sizes compare."""
SHARPNESS_HALF: Final = 100.0
"""Variance of the Laplacian that maps to sharpness 0.5: the usual "blurry below 100" rule of
thumb for 8-bit grey images (Pech-Pacheco et al., ICPR 2000, popularised the measure)."""
CLIPPED_SHADOW: Final = 0.02
CLIPPED_HIGHLIGHT: Final = 0.98
"""Luma (0..1) at or below / at or above which a pixel counts as crushed black / blown white."""
PLACEMENT_RADIUS: Final = 0.12
"""How near (in frame widths/heights) a face centre must be to the centre or a thirds point."""

_THIRDS_POINTS: Final = tuple((x, y) for x in (1 / 3, 2 / 3) for y in (1 / 3, 2 / 3))


@dataclass(frozen=True)
class PhotoQuality:
    sharpness: float
    """0..1, `sharpness_score` of `laplacian_variance`; 0.5 is the usual blur threshold."""
    laplacian_variance: float
    brightness: float
    """Mean luma, 0 (black) .. 1 (white)."""
    shadows_clipped: float
    """Share of pixels with luma ≤ CLIPPED_SHADOW."""
    highlights_clipped: float
    """Share of pixels with luma ≥ CLIPPED_HIGHLIGHT."""
    contrast: float
    """RMS contrast: standard deviation of luma, 0 .. 0.5."""
    colorfulness: float
    """Hasler–Süsstrunk M on 0..255 RGB: ~0 grey, 15 slightly, 33 moderately, 45 averagely,
    59 quite, 82 highly, ≥109 extremely colourful (their perceptual scale)."""
    face_count: int = 0
    face_fraction: float | None = None
    """Area of the main face's box / area of the photo; None without faces."""
    face_center: tuple[float, float] | None = None
    """The main face's box centre as (x, y) fractions of the width and height."""
    face_placement: str | None = None
    """'centered', 'thirds' (near a rule-of-thirds point) or 'elsewhere'."""
    smile: float | None = None
    """The main face's 'happy' probability; None without a face or without emotions."""


class QualityAnalyzer:
    """Photo-quality signals; reads the faces analyzer's result when it ran before this one."""

    name: ClassVar[str] = "quality"

    def analyze(self, photo: PhotoContext) -> PhotoQuality:
        pixels = photo.image.pixels
        luma = luminance(pixels)
        variance = laplacian_variance(pixels)
        brightness, shadows, highlights = exposure(luma)
        quality = PhotoQuality(
            sharpness=sharpness_score(variance),
            laplacian_variance=variance,
            brightness=brightness,
            shadows_clipped=shadows,
            highlights_clipped=highlights,
            contrast=rms_contrast(luma),
            colorfulness=colorfulness(pixels),
        )
        faces = photo.results.get("faces")
        if not isinstance(faces, FacesResult) or faces.main_face is None:
            return quality
        main = faces.main_face
        width, height = photo.image.width, photo.image.height
        center, placement = face_placement(main.box, width, height)
        return replace(
            quality,
            face_count=len(faces.faces),
            face_fraction=main.box[2] * main.box[3] / (width * height),
            face_center=center,
            face_placement=placement,
            smile=main.emotions.get("happy"),
        )


def luminance(pixels: np.ndarray) -> np.ndarray:
    """Luma in 0..1 from gamma-encoded RGB uint8 (Rec. 709 weights), float32, shape (h, w)."""
    weights = np.array([0.2126, 0.7152, 0.0722], dtype=np.float32) / 255.0
    return pixels.astype(np.float32) @ weights


def laplacian_variance(pixels: np.ndarray) -> float:
    """Variance of the Laplacian of the grey image, the classic focus measure: edges make large
    second derivatives, blur removes them. Computed at SHARPNESS_ANALYSIS_SIZE (only downscaled)."""
    grey = cv2.cvtColor(pixels, cv2.COLOR_RGB2GRAY)
    longer = max(grey.shape)
    if longer > SHARPNESS_ANALYSIS_SIZE:
        scale = SHARPNESS_ANALYSIS_SIZE / longer
        size = (max(1, round(grey.shape[1] * scale)), max(1, round(grey.shape[0] * scale)))
        grey = cv2.resize(grey, size, interpolation=cv2.INTER_AREA)
    return float(cv2.Laplacian(grey, cv2.CV_64F).var())


def sharpness_score(variance: float) -> float:
    """Map a Laplacian variance (0..∞) to 0..1 with v / (v + SHARPNESS_HALF): monotonic, 0.5 at
    the usual blur threshold, 0.9 at nine times it; saturating, so noise cannot run away with it."""
    return variance / (variance + SHARPNESS_HALF)


def exposure(luma: np.ndarray) -> tuple[float, float, float]:
    """(mean luma, share of clipped shadows, share of clipped highlights)."""
    return (
        float(luma.mean()),
        float((luma <= CLIPPED_SHADOW).mean()),
        float((luma >= CLIPPED_HIGHLIGHT).mean()),
    )


def rms_contrast(luma: np.ndarray) -> float:
    """RMS contrast (Peli 1990): the standard deviation of luma, 0 (flat) .. 0.5 (half black,
    half white)."""
    return float(luma.std())


def colorfulness(pixels: np.ndarray) -> float:
    """Hasler & Süsstrunk (2003) colourfulness M = σ_rgyb + 0.3 μ_rgyb, with rg = R − G and
    yb = (R + G)/2 − B on 0..255 values; it matched people's colourfulness ratings at r ≈ 0.95."""
    rgb = pixels.reshape(-1, 3).astype(np.float32)
    rg = rgb[:, 0] - rgb[:, 1]
    yb = 0.5 * (rgb[:, 0] + rgb[:, 1]) - rgb[:, 2]
    spread = math.hypot(float(rg.std()), float(yb.std()))
    mean = math.hypot(float(rg.mean()), float(yb.mean()))
    return spread + 0.3 * mean


def face_placement(
    box: tuple[int, int, int, int], width: int, height: int
) -> tuple[tuple[float, float], str]:
    """The face box's centre as fractions of the frame, and where that is: 'centered' within
    PLACEMENT_RADIUS of the middle, 'thirds' within it of a rule-of-thirds intersection,
    else 'elsewhere'."""
    x, y, w, h = box
    center = ((x + w / 2) / width, (y + h / 2) / height)
    if math.dist(center, (0.5, 0.5)) <= PLACEMENT_RADIUS:
        return center, "centered"
    if min(math.dist(center, p) for p in _THIRDS_POINTS) <= PLACEMENT_RADIUS:
        return center, "thirds"
    return center, "elsewhere"
