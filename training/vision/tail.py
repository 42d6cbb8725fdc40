"""Frozen embeddings of every cached view: the backbone's last block run on `embed_views`' cache.

    uv run python -m training.vision.tail

Writes var/vision/emb_<view>.npy (N, 1280) float32 for every cached view, and checks first that
trunk + tail equals the whole converted backbone on the sample images.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import tensorflow as tf

from analyzers.vision import crop_for_backbone
from training.vision.backbone import build_backbone, build_tail, embed
from training.vision.embed_views import VIEWS, Trunk, view_path
from training.vision.paths import VAR_DIR
from training.vision.samples import sample_images


def embedding_path(view: str) -> Path:
    return VAR_DIR / f"emb_{view}.npy"


def load_embeddings(view: str) -> np.ndarray:
    """(N, 1280) frozen embeddings of one view, in `dataset.list_items()` order; "a+b" is the
    embeddings of a and b side by side (A5: "pad+lite0_pad", `lite0.py`)."""
    return np.concatenate([np.load(embedding_path(v)) for v in view.split("+")], axis=1)


def load_paths() -> np.ndarray:
    return np.load(VAR_DIR / "views_paths.npy")


def run_tail(tail: tf.keras.Model, activations: np.ndarray, batch: int = 256) -> np.ndarray:
    fn = tf.function(lambda x: tail(x, training=False)[0])
    out = [
        fn(tf.constant(activations[i : i + batch], tf.float32)).numpy()
        for i in range(0, len(activations), batch)
    ]
    return np.concatenate(out)


def main() -> None:
    tail = build_tail()
    samples = np.stack([crop_for_backbone(p) for p in sample_images().values()])
    whole = embed(build_backbone(), samples)[0]
    split = run_tail(tail, Trunk()(samples).astype(np.float32))
    print(
        f"trunk (float16 cache) + tail vs whole backbone: max |embedding diff| "
        f"{np.abs(whole - split).max():.2e}"
    )
    for view in VIEWS:
        source = Path(view_path(view))
        target = embedding_path(view)
        if not source.exists() or (
            target.exists() and target.stat().st_mtime > source.stat().st_mtime
        ):
            continue
        np.save(target, run_tail(tail, np.load(source, mmap_mode="r")).astype(np.float32))
        print(f"wrote {target}")


if __name__ == "__main__":
    main()
