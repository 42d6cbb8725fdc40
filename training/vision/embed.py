"""Embed every labelled photo once with the converted backbone and cache the result.

    uv run python -m training.vision.embed

Writes var/vision/features.npz: paths, labels, sources, folders, the 1,280-d embeddings, the
1,000 ImageNet logits and the image statistics of `analyzers.style.image_statistics`, in the
order of `dataset.list_items()`. Reruns reuse the cache when the list of files is unchanged.
"""

from __future__ import annotations

import time
from pathlib import Path

import numpy as np
from PIL import Image

from analyzers.style import image_statistics
from analyzers.vision import crop_for_backbone
from training.vision.backbone import FastBackbone, build_backbone, embed
from training.vision.dataset import list_items
from training.vision.paths import VAR_DIR
from training.vision.samples import sample_images

FEATURES = VAR_DIR / "features.npz"
CHUNK = 256


def load_rgb(path: Path) -> np.ndarray:
    with Image.open(path) as image:
        return np.asarray(image.convert("RGB"))


def load_features() -> dict[str, np.ndarray]:
    """The cached features (run this module first)."""
    with np.load(FEATURES, allow_pickle=False) as cached:
        return {k: cached[k] for k in cached.files}


def main() -> None:
    items = list_items()
    paths = np.array([str(i.path) for i in items])
    if FEATURES.exists() and np.array_equal(load_features()["paths"], paths):
        print(f"{FEATURES} is up to date ({len(items)} images)")
        return
    model = build_backbone()
    fast = FastBackbone(model)
    samples = np.stack([crop_for_backbone(p) for p in sample_images().values()])
    error = np.abs(fast(samples)[1] - embed(model, samples)[1]).max()
    print(f"TFLite float32 vs Keras on the sample images: max |logit diff| {error:.2e}")
    if error > 1e-3:
        raise RuntimeError("the TFLite float32 backbone differs from Keras")
    embs, logits, stats = [], [], []
    start = time.perf_counter()
    for first in range(0, len(items), CHUNK):
        pixels = [load_rgb(i.path) for i in items[first : first + CHUNK]]
        e, lg = fast(np.stack([crop_for_backbone(p) for p in pixels]))
        embs.append(e)
        logits.append(lg)
        stats.append(np.stack([image_statistics(p) for p in pixels]))
        done = first + len(pixels)
        print(f"{done}/{len(items)} images, {done / (time.perf_counter() - start):.1f}/s")
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    np.savez(
        FEATURES,
        paths=paths,
        labels=np.array([i.label for i in items]),
        sources=np.array([i.source for i in items]),
        folders=np.array([i.folder for i in items]),
        embeddings=np.concatenate(embs).astype(np.float32),
        logits=np.concatenate(logits).astype(np.float32),
        stats=np.concatenate(stats),
    )
    print(f"wrote {FEATURES}")


if __name__ == "__main__":
    main()
