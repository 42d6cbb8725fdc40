"""Write the fixed-subset reference that tests/analyzers/test_style.py reproduces.

    uv run python -m training.vision.reference_subset

Every STEP-th photo of the random test split (styled and `other` photos), run through the
shipped run-time path (VisionAnalyzer + StyleAnalyzer, no faces result, no text). Writes
tests/analyzers/reference/style_subset.json: paths relative to $DIGBOT_DATA, true classes,
predicted top styles, and the subset's accuracy.
"""

from __future__ import annotations

import json

import numpy as np
from PIL import Image

from analyzers.style import MOOD, StyleAnalyzer
from analyzers.types import MOOD_STYLE_IDS, DecodedImage, PhotoContext
from analyzers.vision import VisionAnalyzer
from training.vision.dataset import list_items
from training.vision.paths import DATA, REFERENCE_DIR
from training.vision.splits import random_test_mask

STEP = 30


def run_path(vision: VisionAnalyzer, style: StyleAnalyzer, path: str) -> str:
    """The shipped path's top style for one file, with the two moods reported as one class."""
    with Image.open(path) as im:
        pixels = np.asarray(im.convert("RGB"))
    photo = PhotoContext(image=DecodedImage(pixels, (pixels.shape[1], pixels.shape[0]), "JPEG"))
    photo.results["vision"] = vision.analyze(photo)
    top = style.analyze(photo).top
    return MOOD if top in MOOD_STYLE_IDS else top


def main() -> None:
    items = list_items()
    labels = np.array([i.label for i in items])
    sources = np.array([i.source for i in items])
    test = np.flatnonzero(random_test_mask(labels, sources))[::STEP]
    vision, style = VisionAnalyzer(), StyleAnalyzer()
    rel = [str(items[k].path.relative_to(DATA)) for k in test]
    predicted = [run_path(vision, style, str(DATA / r)) for r in rel]
    truth = [str(t) for t in labels[test]]
    accuracy = float(np.mean([p == t for p, t in zip(predicted, truth, strict=True)]))
    out = REFERENCE_DIR / "style_subset.json"
    spec = {"accuracy": accuracy, "paths": rel, "labels": truth, "predicted": predicted}
    out.write_text(json.dumps(spec, indent=0) + "\n", encoding="utf-8")
    print(f"{len(rel)} photos, shipped-path accuracy {accuracy:.4f}; wrote {out}")


if __name__ == "__main__":
    main()
