"""Fit the style head and the combiners for both protocols, from the cached features.

    uv run python -m training.vision.train

For each protocol (splits.PROTOCOLS), on its training part only (photos labelled "other"
excluded): the head on the embeddings (its C chosen once, on a validation part of the random
protocol's training data), out-of-fold head probabilities (random folds and folds by source, see
model.py), and one combiner per variant (which parts it may use), saved under var/vision/.
The random protocol's head and combiners are the shipped ones: `export.py` puts the head in
the TFLite graph, and this script writes the combiners with and without the face cue to
analyzers/models/style_combiner.json.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from training.vision.dataset import OTHER
from training.vision.embed import load_features
from training.vision.faces_cue import load_face_cues
from training.vision.model import (
    choose_c,
    feature_columns,
    features,
    fit_combiner,
    fit_head,
    imagenet_evidence_from_logits,
    out_of_fold_head,
    random_folds,
    source_folds,
    write_shipped,
)
from training.vision.paths import MODELS_DIR, VAR_DIR
from training.vision.splits import PROTOCOLS, test_mask

VARIANTS: dict[str, tuple[str, ...]] = {
    "head+imagenet": ("head", "imagenet"),
    "head+stats": ("head", "stat"),
    "head+faces": ("head", "face"),
    "head+imagenet+stats": ("head", "imagenet", "stat"),
    "full": ("head", "imagenet", "stat", "face"),
}
SHIPPED_WITH_FACES = "full"
SHIPPED_WITHOUT_FACES = "head+imagenet+stats"


def head_path(protocol: str) -> Path:
    return VAR_DIR / f"head_{protocol}.npz"


def combiner_path(protocol: str, variant: str) -> Path:
    return VAR_DIR / f"combiner_{protocol}_{variant.replace('+', '_')}.json"


def main() -> None:
    f = load_features()
    labels, sources = f["labels"], f["sources"]
    evidence = imagenet_evidence_from_logits(f["logits"])
    faces = load_face_cues(f["paths"])
    c = None
    for protocol in PROTOCOLS:
        train = ~test_mask(protocol, labels, sources) & (labels != OTHER)
        emb, y = f["embeddings"][train], labels[train]
        if c is None:
            c, scores = choose_c(emb, y)
            print(f"[{protocol}] head C by validation macro-F1: {scores} -> C = {c}")
        print(f"[{protocol}] fitting the head on {train.sum()} photos")
        fit_head(emb, y, c).save(head_path(protocol))
        cues = (evidence[train], f["stats"][train], faces[train])
        x = np.concatenate(
            [
                features(out_of_fold_head(emb, y, c, random_folds(y)), *cues),
                features(out_of_fold_head(emb, y, c, source_folds(y, sources[train])), *cues),
            ]
        )
        y = np.concatenate([y, y])
        for variant, parts in VARIANTS.items():
            combiner = fit_combiner(x, y, feature_columns(parts))
            combiner.save(combiner_path(protocol, variant))
        print(f"[{protocol}] head and {len(VARIANTS)} combiners saved")
    out = MODELS_DIR / "style_combiner.json"
    write_shipped(
        combiner_path("random", SHIPPED_WITH_FACES),
        combiner_path("random", SHIPPED_WITHOUT_FACES),
        out,
    )
    print(f"wrote the random protocol's combiners to {out}")


if __name__ == "__main__":
    np.seterr(over="ignore")
    main()
