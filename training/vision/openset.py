"""A8's open-set `other` (fourth amendment): a photo is `other` when its best class is unsure or
when it is far from every style's training photos.

"Far" is the cosine similarity to the K-th nearest photo of a bank of style training photos
(at most BANK_PER_CLASS per class, a seeded sample), in the L2-normalised embedding. Unlike a
13th class, this does not learn what the negatives shown in training look like; it only asks
whether the photo resembles anything the styles were learnt from.
"""

from __future__ import annotations

import numpy as np

from analyzers.types import OTHER_STYLE
from training.vision.heads import TAU_GRID, choose_under_floor

BANK_PER_CLASS = 128
K = 5
SIMILARITY_GRID = tuple(round(0.3 + 0.05 * i, 2) for i in range(13))
"""0.30, 0.35, ..., 0.90."""
OFF = -1.0
"""A floor no cosine similarity is below: the distance test switched off."""


def normalised(embeddings: np.ndarray) -> np.ndarray:
    norms = np.linalg.norm(embeddings, axis=1, keepdims=True)
    return np.asarray(embeddings / np.maximum(norms, 1e-12), np.float32)


def style_bank(embeddings: np.ndarray, labels: np.ndarray, seed: int) -> np.ndarray:
    """(<= 12 * BANK_PER_CLASS, 1280) normalised embeddings: a seeded sample of each label's
    rows (`labels` holds no `other`)."""
    rng = np.random.default_rng(seed)
    rows = [
        rng.permutation(np.flatnonzero(labels == label))[:BANK_PER_CLASS]
        for label in np.unique(labels)
    ]
    return normalised(embeddings[np.sort(np.concatenate(rows))])


def kth_similarity(embeddings: np.ndarray, bank: np.ndarray, batch: int = 2048) -> np.ndarray:
    """Cosine similarity of each photo to its K-th nearest bank photo."""
    out = []
    for i in range(0, len(embeddings), batch):
        sims = normalised(embeddings[i : i + batch]) @ bank.T
        out.append(-np.partition(-sims, K - 1, axis=1)[:, K - 1])
    return np.concatenate(out)


def decide_open(
    probs: np.ndarray, similarity: np.ndarray, classes: tuple[str, ...], tau: float, floor: float
) -> np.ndarray:
    """The best class, or `other` when its probability is under tau or the photo's K-th
    nearest similarity is under the floor."""
    best = np.asarray(classes)[probs.argmax(1)]
    unsure = (probs.max(1) < tau) | (similarity < floor)
    return np.where(unsure, OTHER_STYLE, best)


def choose_open(
    probs: np.ndarray, similarity: np.ndarray, labels: np.ndarray, classes: tuple[str, ...]
) -> tuple[float, float]:
    """(tau, floor) by the second amendment's criterion (`choose_under_floor`)."""
    options = [(tau, floor) for tau in (0.0, *TAU_GRID) for floor in (OFF, *SIMILARITY_GRID)]
    return choose_under_floor(
        options, lambda o: decide_open(probs, similarity, classes, *o), labels
    )
