"""Export backbone + ImageNet classifier + style head as one TFLite model, and measure the cost.

    uv run python -m training.vision.export

Builds float32, float16 and dynamic-range int8 variants under var/vision/, compares each with
the float32 Keras model on a fixed subset of the random test split (embedding error, ImageNet
top-1 agreement, style-head accuracy and macro-F1), prints the table, and copies the chosen
variant (CHOSEN) to analyzers/models/vision.tflite.
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

from analyzers.style import HEAD_CLASSES, MOOD
from analyzers.types import STYLE_IDS
from analyzers.vision import VisionModel, crop_for_backbone
from training.vision.backbone import build_backbone
from training.vision.embed import load_features, load_rgb
from training.vision.model import Head, class_ids
from training.vision.paths import MODELS_DIR, VAR_DIR
from training.vision.splits import random_test_mask
from training.vision.train import head_path

VARIANTS = ("float32", "float16", "int8_dynamic")
MEASURE_BATCH = 1
"""One photo per call: the int8 model crashed tf.lite 2.19 (SIGSEGV) when run on batches."""
CHOSEN = "float16"
SUBSET_STEP = 6
"""Every 6th image of the random test split (about 520) measures the export's cost."""


def head_to_styles() -> np.ndarray:
    """(12, 13): each head class to its style; the mood class split evenly over the two moods."""
    matrix = np.zeros((len(HEAD_CLASSES), len(STYLE_IDS)), np.float32)
    for i, c in enumerate(HEAD_CLASSES):
        targets = ("depressed", "lonely") if c == MOOD else (c,)
        for t in targets:
            matrix[i, STYLE_IDS.index(t)] = 1.0 / len(targets)
    return matrix


def serving_function(backbone: keras.Model, head: Head) -> tf.types.experimental.ConcreteFunction:
    weights = tf.constant(head.weights)
    bias = tf.constant(head.bias)
    to_styles = tf.constant(head_to_styles())

    @tf.function(input_signature=[tf.TensorSpec([None, 224, 224, 3], tf.float32, name="pixels")])
    def serve(pixels: tf.Tensor) -> dict[str, tf.Tensor]:
        embedding, logits = backbone(pixels, training=False)
        style = tf.nn.softmax(tf.matmul(embedding, weights) + bias)
        return {
            "embedding": embedding,
            "imagenet": tf.nn.softmax(logits),
            "style": tf.matmul(style, to_styles),
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
    head = fold_styles(style)
    y = class_ids(labels)
    return {
        "max_abs_embedding_error": float(np.abs(emb - ref_emb).max()),
        "imagenet_top1_agreement": float((prob.argmax(1) == ref_top1).mean()),
        "style_accuracy": float((head.argmax(1) == y).mean()),
        "style_macro_f1": float(f1_score(y, head.argmax(1), average="macro")),
    }


def fold_styles(style: np.ndarray) -> np.ndarray:
    """(N, 13) style probabilities -> (N, 12) HEAD_CLASSES (moods summed)."""
    cols = [STYLE_IDS.index(c) for c in HEAD_CLASSES[:-1]]
    mood = style[:, STYLE_IDS.index("depressed")] + style[:, STYLE_IDS.index("lonely")]
    return np.concatenate([style[:, cols], mood[:, None]], axis=1)


def measure_variant(variant: str) -> None:
    """Print one variant's cost on the fixed subset (run in its own process, see main)."""
    f = load_features()
    test = random_test_mask(f["labels"], f["sources"]) & (f["labels"] != "other")
    subset = np.flatnonzero(test)[::SUBSET_STEP]
    crops = np.stack([crop_for_backbone(load_rgb(Path(p))) for p in f["paths"][subset]])
    ref_emb, ref_top1 = f["embeddings"][subset], f["logits"][subset].argmax(1)
    path = VAR_DIR / f"vision_{variant}.tflite"
    m = measure(path, crops, ref_emb, ref_top1, f["labels"][subset])
    size = path.stat().st_size / 2**20
    print(f"  {variant:13s} {size:5.2f} MiB " + ", ".join(f"{k} {v:.4g}" for k, v in m.items()))


def main() -> None:
    f = load_features()
    head = Head.load(head_path("random"))
    backbone = build_backbone()  # keep a reference: the function only holds its variables weakly
    fn = serving_function(backbone, head)
    test = random_test_mask(f["labels"], f["sources"]) & (f["labels"] != "other")
    subset = np.flatnonzero(test)[::SUBSET_STEP]
    y = class_ids(f["labels"][subset])
    ref_style = head.proba(f["embeddings"][subset]).argmax(1)
    print(f"export cost on {len(subset)} random-split test photos, against the float32 features")
    print(
        f"  float32 head on cached features: accuracy {(ref_style == y).mean():.4f}, "
        f"macro-F1 {f1_score(y, ref_style, average='macro'):.4f}"
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
