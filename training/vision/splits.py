"""The random held-out split (the card's second protocol; `loso.py` holds the headline one).

random: 20% of every (label, source) group, drawn with a fixed seed, is the test split; no
training step (head, choice of C, temperature, threshold) sees it.
"""

from __future__ import annotations

import numpy as np

SEED = 0
TEST_FRACTION = 0.2


def random_test_mask(labels: np.ndarray, sources: np.ndarray) -> np.ndarray:
    """True for the held-out test images: a seeded 20% of every (label, source) group."""
    rng = np.random.default_rng(SEED)
    mask = np.zeros(len(labels), bool)
    groups = np.char.add(np.char.add(labels.astype(str), "|"), sources.astype(str))
    for group in np.unique(groups):
        members = np.flatnonzero(groups == group)
        n_test = max(1, round(TEST_FRACTION * len(members)))
        mask[rng.choice(members, n_test, replace=False)] = True
    return mask
