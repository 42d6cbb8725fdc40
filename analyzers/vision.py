"""The shared vision backbone: one TFLite forward pass per photo.

The model (`models/vision.tflite`, built by `training/vision/export.py`) is torchvision's
ImageNet MobileNetV2 converted to Keras, plus the ImageNet classifier and the image-only style
head, in one graph. Input: RGB pixels 0..255, 224x224: the whole photo padded to a square
(`prepare_for_backbone`; `crop_for_backbone` is torchvision's centre crop, used for the
reference numbers); the graph normalises them itself. Outputs: the 1,280-number embedding, the
1,000 ImageNet probabilities and the 14 calibrated style probabilities (STYLE_OUTCOMES: the 13
styles and `other`).
"""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any, ClassVar

import numpy as np
from PIL import Image

from analyzers.imagenet import imagenet_names
from analyzers.tflite import new_interpreter
from analyzers.types import (
    STYLE_OUTCOMES,
    AnalyzerUnavailable,
    DecodedImage,
    PhotoContext,
    VisionOutput,
)

MODEL_PATH = Path(__file__).parent / "models" / "vision.tflite"
RESIZE_TO = 256
CROP = 224
TOP_K = 5


def crop_for_backbone(pixels: np.ndarray) -> np.ndarray:
    """torchvision's Resize(256) + CenterCrop(224) on an RGB uint8 image -> float32 (224, 224, 3).

    The shorter side becomes 256 (the longer one int(256 * long / short)), with PIL's bilinear
    filter, which antialiases when shrinking, exactly as torchvision does on PIL images.
    """
    if pixels.ndim != 3 or pixels.shape[2] != 3 or pixels.dtype != np.uint8:
        raise ValueError(f"expected RGB uint8 (H, W, 3), got {pixels.dtype} {pixels.shape}")
    h, w = pixels.shape[:2]
    if h < 1 or w < 1:
        raise ValueError("empty image")
    size = (RESIZE_TO, int(RESIZE_TO * h / w)) if w <= h else (int(RESIZE_TO * w / h), RESIZE_TO)
    resized = Image.fromarray(pixels).resize(size, Image.Resampling.BILINEAR)
    top = round((size[1] - CROP) / 2.0)
    left = round((size[0] - CROP) / 2.0)
    crop = resized.crop((left, top, left + CROP, top + CROP))
    return np.asarray(crop, dtype=np.float32)


PAD_COLOUR = (124, 116, 104)
"""torchvision's ImageNet mean pixel: zero after the graph's normalisation."""


def pad_for_backbone(pixels: np.ndarray) -> np.ndarray:
    """The whole photo, longer side 224 (PIL bilinear), centred on a 224x224 square of the
    ImageNet mean colour -> float32 (224, 224, 3). Unlike the centre crop, nothing at the
    sides of a non-square photo is cut."""
    if pixels.ndim != 3 or pixels.shape[2] != 3 or pixels.dtype != np.uint8:
        raise ValueError(f"expected RGB uint8 (H, W, 3), got {pixels.dtype} {pixels.shape}")
    h, w = pixels.shape[:2]
    if h < 1 or w < 1:
        raise ValueError("empty image")
    scale = CROP / max(h, w)
    size = (max(1, round(w * scale)), max(1, round(h * scale)))
    resized = Image.fromarray(pixels).resize(size, Image.Resampling.BILINEAR)
    square = Image.new("RGB", (CROP, CROP), PAD_COLOUR)
    square.paste(resized, ((CROP - size[0]) // 2, (CROP - size[1]) // 2))
    return np.asarray(square, dtype=np.float32)


def prepare_for_backbone(pixels: np.ndarray) -> np.ndarray:
    """The served view: the whole photo padded to a square (`pad_for_backbone`). Chosen over
    the centre crop in issue 19 by the pre-registered rule (training/vision/PREREGISTRATION.md):
    held out by source, macro-F1 0.581 padded vs 0.545 cropped (VISION.md)."""
    return pad_for_backbone(pixels)


class VisionModel:
    """The TFLite graph through LiteRT, one interpreter per thread (they are not thread-safe)."""

    def __init__(self, path: Path = MODEL_PATH) -> None:
        try:
            self._content = path.read_bytes()
            probe = new_interpreter(self._content)
        except Exception as exc:  # any failure to load means the analyzer cannot run
            raise AnalyzerUnavailable(f"vision model {path.name} cannot be loaded: {exc}") from exc
        outputs = {d["name"]: d for d in probe.get_output_details()}
        self._output_order = self._find_outputs(outputs)
        self._local = threading.local()

    @staticmethod
    def _find_outputs(outputs: dict[str, Any]) -> tuple[str, str, str]:
        """Output names of (embedding, imagenet, style), told apart by their widths."""
        by_width = {int(d["shape"][-1]): name for name, d in outputs.items()}
        try:
            return by_width[1280], by_width[1000], by_width[len(STYLE_OUTCOMES)]
        except KeyError as exc:
            raise AnalyzerUnavailable(f"vision model has unexpected outputs {by_width}") from exc

    def _interpreter(self) -> Any:
        interpreter = getattr(self._local, "interpreter", None)
        if interpreter is None:
            interpreter = new_interpreter(self._content)
            self._local.interpreter = interpreter
            self._local.batch = 1
        return interpreter

    def run(self, crops: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(N, 224, 224, 3) float32 crops -> (embeddings, imagenet probs, style probs)."""
        interpreter = self._interpreter()
        inp = interpreter.get_input_details()[0]
        if self._local.batch != len(crops):
            interpreter.resize_tensor_input(inp["index"], [len(crops), CROP, CROP, 3])
            interpreter.allocate_tensors()
            self._local.batch = len(crops)
        interpreter.set_tensor(inp["index"], crops.astype(np.float32))
        interpreter.invoke()
        details = {d["name"]: d["index"] for d in interpreter.get_output_details()}
        emb, imagenet, style = (interpreter.get_tensor(details[n]) for n in self._output_order)
        return emb, imagenet, style


class VisionAnalyzer:
    """Runs the shared backbone once per photo; every later image analyzer reads its output."""

    name: ClassVar[str] = "vision"

    def __init__(self, model_path: Path = MODEL_PATH) -> None:
        self.model = VisionModel(model_path)
        """The loaded TFLite model; the heat map (analyzers/explain.py) reuses it."""
        self._names = imagenet_names()

    def analyze(self, photo: PhotoContext) -> VisionOutput:
        return self.analyze_batch([photo.image])[0]

    def analyze_batch(self, images: list[DecodedImage]) -> list[VisionOutput]:
        """One forward pass over several photos (a little faster per photo than one by one)."""
        if not images:
            return []
        crops = np.stack([prepare_for_backbone(image.pixels) for image in images])
        embs, imagenet, styles = self.model.run(crops)
        return [self._output(e, p, s) for e, p, s in zip(embs, imagenet, styles, strict=True)]

    def _output(self, emb: np.ndarray, probs: np.ndarray, style: np.ndarray) -> VisionOutput:
        top = np.argsort(probs)[::-1][:TOP_K]
        style = style.astype(np.float64)
        style /= style.sum()
        return VisionOutput(
            embedding=emb.astype(np.float32),
            imagenet_top=[(self._names[i], float(probs[i])) for i in top],
            style_probabilities={s: float(p) for s, p in zip(STYLE_OUTCOMES, style, strict=True)},
        )
