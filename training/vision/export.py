"""Export backbone + ImageNet classifier + style head as one TFLite model, and measure the cost.

    uv run python -m training.vision.export

The style head is `ship.py`'s (temperature folded in); its 13 classes map onto the model's 14
style outputs (STYLE_OUTCOMES: the mood class split evenly over depressed and lonely, `other`
last). Builds float32, float16 and dynamic-range int8 variants under var/vision/, compares each
with the float32 cached embeddings on a fixed subset of the random test split (embedding error,
ImageNet top-1 agreement, style-head accuracy and macro-F1 by argmax over the head's classes),
prints the table, and copies the chosen variant (CHOSEN) to analyzers/models/vision.tflite.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import keras
import numpy as np
import tensorflow as tf
from sklearn.metrics import f1_score

from analyzers.imagenet import PRIOR_EPS, prior_features, prior_group_matrix
from analyzers.style import CLASSES, MOOD, head_to_classes
from analyzers.types import STYLE_OUTCOMES
from analyzers.vision import VisionModel, crop_for_backbone, pad_for_backbone
from training.vision.backbone import build_backbone
from training.vision.dataset import list_items
from training.vision.embed_views import load_rgb
from training.vision.heads import SURE_MASS, Head
from training.vision.paths import MODELS_DIR, VAR_DIR
from training.vision.prior import imagenet_probs
from training.vision.ship import load_shipped_head
from training.vision.splits import random_test_mask
from training.vision.tail import load_embeddings

VARIANTS = ("float32", "float16", "int8_dynamic")
MEASURE_BATCH = 1
"""One photo per call: the int8 model crashed tf.lite 2.19 (SIGSEGV) when run on batches."""
CHOSEN = "float16"
SUBSET_STEP = 6
"""Every 6th image of the random test split (about 520) measures the export's cost."""


def head_to_styles() -> np.ndarray:
    """(13, 14): each head class to its outcome; the mood class split evenly over the moods."""
    matrix = np.zeros((len(CLASSES), len(STYLE_OUTCOMES)), np.float32)
    for i, c in enumerate(CLASSES):
        targets = ("depressed", "lonely") if c == MOOD else (c,)
        for t in targets:
            matrix[i, STYLE_OUTCOMES.index(t)] = 1.0 / len(targets)
    return matrix


def serving_function(backbone: keras.Model, head: Head) -> tf.types.experimental.ConcreteFunction:
    if head.classes != CLASSES:
        raise ValueError(f"the head predicts {head.classes}, not {CLASSES}")
    weights = tf.constant(head.weights)
    bias = tf.constant(head.bias)
    to_styles = tf.constant(head_to_styles())
    groups = tf.constant(prior_group_matrix())
    prior_weights = None if head.prior_weights is None else tf.constant(head.prior_weights)
    sure_weights = None if head.sure_weights is None else tf.constant(head.sure_weights)

    @tf.function(input_signature=[tf.TensorSpec([None, 224, 224, 3], tf.float32, name="pixels")])
    def serve(pixels: tf.Tensor) -> dict[str, tf.Tensor]:
        embedding, logits = backbone(pixels, training=False)
        imagenet = tf.nn.softmax(logits)
        style_logits = tf.matmul(embedding, weights) + bias
        if prior_weights is not None:  # the ImageNet prior (analyzers.imagenet.prior_features)
            prior = tf.math.log(tf.matmul(imagenet, groups) + PRIOR_EPS)
            style_logits += tf.matmul(prior, prior_weights)
            if sure_weights is not None:  # A9's fixed term (training.vision.heads.sure_excess)
                sure = tf.nn.relu(prior - float(np.log(SURE_MASS)))
                style_logits += tf.matmul(sure, sure_weights)
        return {
            "embedding": embedding,
            "imagenet": imagenet,
            "style": tf.matmul(tf.nn.softmax(style_logits), to_styles),
        }

    return serve.get_concrete_function()


def convert(fn: tf.types.experimental.ConcreteFunction, variant: str) -> bytes:
    converter = tf.lite.TFLiteConverter.from_concrete_functions([fn])
    if variant in ("float16", "int8_dynamic"):
        converter.optimizations = [tf.lite.Optimize.DEFAULT]
    if variant == "float16":
        converter.target_spec.supported_types = [tf.float16]
    return bytes(converter.convert())


def measure(
    path: Path, crops: np.ndarray, ref_emb: np.ndarray, ref_top1: np.ndarray, labels: np.ndarray
) -> dict[str, float]:
    model = VisionModel(path)
    embs, probs, styles = [], [], []
    for start in range(0, len(crops), MEASURE_BATCH):
        e, p, s = model.run(crops[start : start + MEASURE_BATCH])
        embs.append(e)
        probs.append(p)
        styles.append(s)
    emb, prob, style = np.concatenate(embs), np.concatenate(probs), np.concatenate(styles)
    folded = [head_to_classes(dict(zip(STYLE_OUTCOMES, row, strict=True))) for row in style]
    predicted = np.asarray(CLASSES)[np.argmax(folded, axis=1)]
    return {
        "max_abs_embedding_error": float(np.abs(emb - ref_emb).max()),
        "imagenet_top1_agreement": float((prob.argmax(1) == ref_top1).mean()),
        "style_accuracy": float((predicted == labels).mean()),
        "style_macro_f1": float(f1_score(labels, predicted, average="macro")),
    }


def measure_subset() -> tuple[np.ndarray, np.ndarray, np.ndarray, str]:
    """Every SUBSET_STEP-th photo of the random test split: (rows, labels, paths, view)."""
    items = list_items()
    labels = np.array([i.label for i in items])
    sources = np.array([i.source for i in items])
    rows = np.flatnonzero(random_test_mask(labels, sources))[::SUBSET_STEP]
    paths = np.array([str(i.path) for i in items])
    return rows, labels[rows], paths[rows], load_shipped_head()[1]


def reference(rows: np.ndarray, view: str) -> tuple[np.ndarray, np.ndarray]:
    """The float32 embeddings of the cache and their ImageNet probabilities."""
    emb = load_embeddings(view)[rows]
    return emb, imagenet_probs(emb)


def measure_variant(variant: str) -> None:
    """Print one variant's cost on the fixed subset (run in its own process, see main)."""
    rows, labels, paths, view = measure_subset()
    prepare = pad_for_backbone if view == "pad" else crop_for_backbone
    crops = np.stack([prepare(load_rgb(Path(p))) for p in paths])
    ref_emb, ref_probs = reference(rows, view)
    ref_top1 = ref_probs.argmax(1)
    path = VAR_DIR / f"vision_{variant}.tflite"
    m = measure(path, crops, ref_emb, ref_top1, labels)
    size = path.stat().st_size / 2**20
    print(f"  {variant:13s} {size:5.2f} MiB " + ", ".join(f"{k} {v:.4g}" for k, v in m.items()))


def main() -> None:
    head, view = load_shipped_head()
    backbone = build_backbone()  # keep a reference: the function only holds its variables weakly
    fn = serving_function(backbone, head)
    rows, labels, _, _ = measure_subset()
    emb, probs = reference(rows, view)
    logits = head.logits(emb, prior_features(probs))
    predicted = np.asarray(head.classes)[logits.argmax(1)]
    print(
        f"export cost on {len(rows)} random-split test photos ({view} view), against the "
        "float32 cached embeddings"
    )
    print(
        f"  float32 head on cached features: accuracy {(predicted == labels).mean():.4f}, "
        f"macro-F1 {f1_score(labels, predicted, average='macro'):.4f}"
    )
    for variant in VARIANTS:
        (VAR_DIR / f"vision_{variant}.tflite").write_bytes(convert(fn, variant))
    # Each variant runs in a fresh process: with several TFLite models loaded one after the
    # other in one process, the int8 one crashed (free(): invalid pointer) on this TF build.
    for variant in VARIANTS:
        cmd = [sys.executable, "-m", "training.vision.export", "--measure", variant]
        subprocess.run(cmd, check=True)
    shutil.copy(VAR_DIR / f"vision_{CHOSEN}.tflite", MODELS_DIR / "vision.tflite")
    print(f"copied the {CHOSEN} model to {MODELS_DIR / 'vision.tflite'}")


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--measure":
        measure_variant(sys.argv[2])
    else:
        main()
