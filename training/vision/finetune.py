"""Candidate A4: the backbone's 1x1 conv to 1,280 fine-tuned from the cached activations.

    uv run python -m training.vision.finetune   # caches var/vision/f17_pad.npy, checks it

The frozen `features.16` and `.17` run once over `embed_views`' cache of a view
(`f17_<view>.npy`); then, per fold, `features.18` (`backbone.build_top`) and a linear head over
the 13 classes are trained on the fold's inner-training groups, with early stopping on its
inner by-group validation part (PREREGISTRATION.md, third amendment: `.17` was too slow to
train here). Batch norm keeps the ImageNet statistics (its layer is frozen); the head starts
from the logistic regression of the frozen embeddings, so epoch 0 is the frozen network and
early stopping can keep it.
"""

from __future__ import annotations

import time
from pathlib import Path

import keras
import numpy as np
import tensorflow as tf

from training.vision.backbone import TAIL_FROM, build_tail, build_top
from training.vision.embed_views import view_path
from training.vision.heads import Head, fit_head
from training.vision.paths import VAR_DIR
from training.vision.tail import load_embeddings, run_tail

LEARNING_RATE = 1e-4
BATCH = 64
MAX_EPOCHS = 2
INIT_C = 0.01
SEED = 0


def features17_path(view: str) -> Path:
    return VAR_DIR / f"f17_{view}.npy"


def load_features17(view: str) -> np.ndarray:
    """(N, 7, 7, 320) float16: the frozen `features.17` output of a cached view (computed once)."""
    path = features17_path(view)
    if not path.exists():
        tail = build_tail()
        trunk = keras.Model(tail.input, tail.get_layer(f"features.{TAIL_FROM + 1}.conv.3").output)
        fn = tf.function(lambda x: trunk(x, training=False))
        source = np.load(view_path(view), mmap_mode="r")
        out = [
            fn(tf.constant(source[i : i + 256], tf.float32)).numpy().astype(np.float16)
            for i in range(0, len(source), 256)
        ]
        np.save(path, np.concatenate(out))
    return np.load(path)


def embed_top(model: keras.Model, features17: np.ndarray, batch: int = 256) -> np.ndarray:
    """(N, 1280) float32 embeddings of a (possibly fine-tuned) top."""
    fn = tf.function(lambda x: model(x, training=False))
    return np.concatenate(
        [
            fn(tf.constant(features17[i : i + batch], tf.float32)).numpy()
            for i in range(0, len(features17), batch)
        ]
    )


def _balanced_weights(y: np.ndarray, k: int) -> np.ndarray:
    counts = np.bincount(y, minlength=k).astype(np.float32)
    return (len(y) / (k * np.maximum(counts, 1)))[y].astype(np.float32)


def fine_tune(
    features17: np.ndarray,
    labels: np.ndarray,
    train: np.ndarray,
    val: np.ndarray,
    frozen: np.ndarray,
    classes: tuple[str, ...],
) -> tuple[keras.Model, int]:
    """The top trained on the `train` rows with early stopping on the `val` rows' loss
    (class-balanced cross-entropy); returns it and the epoch kept (0 = the frozen network).
    `frozen` holds the frozen embeddings, for the head's starting point."""
    keras.utils.set_random_seed(SEED)
    block = build_top()
    for layer in block.layers:
        if isinstance(layer, keras.layers.BatchNormalization):
            layer.trainable = False
    y = np.array([classes.index(label) for label in labels])
    init: Head = fit_head(frozen[train], labels[train], INIT_C, classes)
    dense = keras.layers.Dense(len(classes), name="head")
    model = keras.Sequential([block, dense])
    model.build((None, *features17.shape[1:]))
    dense.set_weights([init.weights, init.bias])
    model.compile(
        optimizer=keras.optimizers.Adam(LEARNING_RATE),
        loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
    )
    k = len(classes)
    x_val, y_val = features17[val].astype(np.float32), y[val]
    w_val = _balanced_weights(y_val, k)

    def val_loss() -> float:
        return float(model.evaluate(x_val, y_val, sample_weight=w_val, batch_size=256, verbose=0))

    best_loss, best_epoch, best = val_loss(), 0, block.get_weights()
    x_train, y_train = features17[train].astype(np.float32), y[train]
    w_train = _balanced_weights(y_train, k)
    for epoch in range(1, MAX_EPOCHS + 1):
        start = time.perf_counter()
        model.fit(x_train, y_train, sample_weight=w_train, batch_size=BATCH, epochs=1, verbose=0)
        loss = val_loss()
        print(
            f"    epoch {epoch}: inner-validation loss {loss:.4f} (best {best_loss:.4f}), "
            f"{time.perf_counter() - start:.0f} s",
            flush=True,
        )
        if loss < best_loss:
            best_loss, best_epoch, best = loss, epoch, block.get_weights()
    block.set_weights(best)
    return block, best_epoch


def main() -> None:
    features17 = load_features17("pad")
    frozen = load_embeddings("pad")
    rows = np.arange(0, len(frozen), 97)
    again = embed_top(build_top(), features17[rows])
    whole = run_tail(
        build_tail(), np.load(view_path("pad"), mmap_mode="r")[rows].astype(np.float32)
    )
    print(
        f"features.17 cache + top vs frozen tail: max |diff| "
        f"{np.abs(again - frozen[rows]).max():.2e} (float16 cache), "
        f"vs tail in float32 {np.abs(whole - frozen[rows]).max():.2e}"
    )


if __name__ == "__main__":
    main()
