"""Print the model card's "known photos" table: scikit-image's sample photos through the
shipped path (VisionAnalyzer + StyleAnalyzer, no faces result, no text).

    uv run python -m training.vision.known_photos
"""

from __future__ import annotations

import numpy as np
from skimage import data as skdata

from analyzers.style import StyleAnalyzer
from analyzers.types import OTHER_STYLE, DecodedImage, PhotoContext
from analyzers.vision import VisionAnalyzer

PHOTOS = (
    "chelsea",
    "coffee",
    "page",
    "stereo_motorcycle",
    "text",
    "astronaut",
    "rocket",
    "camera",
    "horse",
    "moon",
)


def as_rgb(pixels: np.ndarray) -> np.ndarray:
    if pixels.dtype == bool:
        pixels = pixels.astype(np.uint8) * 255
    if pixels.ndim == 2:
        pixels = np.stack([pixels] * 3, axis=-1)
    return np.ascontiguousarray(pixels[..., :3]).astype(np.uint8)


def main() -> None:
    vision, style = VisionAnalyzer(), StyleAnalyzer()
    print("| photo (skimage) | top | confidence | next styles | evidence |")
    print("|---|---|---|---|---|")
    for name in PHOTOS:
        loaded = getattr(skdata, name)()
        pixels = as_rgb(loaded[0] if isinstance(loaded, tuple) else loaded)  # stereo: the left
        photo = PhotoContext(image=DecodedImage(pixels, (pixels.shape[1], pixels.shape[0]), "PNG"))
        photo.results["vision"] = vision.analyze(photo)
        result = style.analyze(photo)
        ranked = sorted(
            ((s, p) for s, p in result.scores.items() if s not in (result.top, OTHER_STYLE)),
            key=lambda sp: -sp[1],
        )[:2]
        nxt = ", ".join(f"{s} {p:.2f}" for s, p in ranked)
        print(
            f"| {name} | {result.top} | {result.confidence:.2f} | {nxt} | "
            f"{'; '.join(result.evidence)} |"
        )


if __name__ == "__main__":
    main()
