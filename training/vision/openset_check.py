"""How well each `other` score tells "none of these" from style photos, before any threshold.

    uv run python -m training.vision.openset_check

On the `other_out` and `loso` folds (each photo tested once), the area under the ROC curve of
`other` photos against style photos for: A8's distance (minus the cosine similarity to the 5th
nearest photo of a bank of the fold's style training photos, `openset.py`), and, from A6's
saved runs, its `other` probability and one minus its best style probability. 0.5 is chance;
in brackets, the highest `other` recall any threshold on the pooled test scores reaches at
precision >= 0.8 (the issue's target is 0.6; diagnostic of the fourth amendment, chooses
nothing).
"""

from __future__ import annotations

import numpy as np
from sklearn.metrics import precision_recall_curve, roc_auc_score

from analyzers.types import OTHER_STYLE
from training.vision.evaluate import load_run
from training.vision.experiment import load_data, outer_folds
from training.vision.openset import kth_similarity, style_bank

PRECISION_TARGET = 0.8


def main() -> None:
    data = load_data({"pad"})
    emb = data.embeddings["pad"]
    is_other = data.labels == OTHER_STYLE
    print(
        "| protocol | A8 distance to the style bank | A6 `other` probability | A6 1 - best style |"
    )
    print("|---|---|---|---|")
    for protocol in ("other_out", "loso"):
        distance = np.zeros(len(emb), np.float32)
        for k, test in enumerate(outer_folds(data, protocol)):
            train = np.flatnonzero(~test & ~is_other)
            bank = style_bank(emb[train], data.labels[train], seed=k)
            distance[test] = -kth_similarity(emb[test], bank)
        run = load_run("A6", protocol)
        if run is None:
            raise SystemExit(f"run_A6_{protocol}.npz is missing: run experiment.py first")
        classes = list(run["classes"])
        other_p = run["probs"][:, classes.index(OTHER_STYLE)]
        styles = [i for i, c in enumerate(classes) if c != OTHER_STYLE]
        unsure = 1 - run["probs"][:, styles].max(1)
        cells = [_area_and_recall(is_other, s) for s in (distance, other_p, unsure)]
        print(f"| {protocol} | " + " | ".join(cells) + " |")


def _area_and_recall(truth: np.ndarray, score: np.ndarray) -> str:
    precision, recall, _ = precision_recall_curve(truth, score)
    best = recall[precision >= PRECISION_TARGET].max(initial=0.0)
    return f"{roc_auc_score(truth, score):.3f} ({best:.2f})"


if __name__ == "__main__":
    main()
