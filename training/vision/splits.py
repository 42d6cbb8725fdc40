"""The two evaluation protocols: a random held-out split and a split by source.

random: 20% of every (label, source) group, drawn with a fixed seed, is the test split; no
training step (head, combiner, choice of C) sees it.

by_source: for each style with several sources, one whole source is the test set and the
model trains on the others (does the style generalise to a new collection?). Styles with a
single source (party, studying, colorful_sky, sad_mood) keep their random test split here too.
"""

from __future__ import annotations

import numpy as np

SEED = 0
TEST_FRACTION = 0.2
HELD_OUT_SOURCES: dict[str, tuple[str, ...]] = {
    "adventure": ("intel_scenes",),
    "architecture": ("intel_scenes",),
    "sports": ("sports6",),
    "cute_animals": ("pandas", "pacs_horses"),
    "selfie": ("ucf_selfies",),
    "food": ("food101_sample",),
    "night_view": ("night_more",),
    "illustration": ("anime_faces",),
}


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


def by_source_test_mask(labels: np.ndarray, sources: np.ndarray) -> np.ndarray:
    """True for the by-source test set (held-out sources + single-source styles' random test)."""
    held = np.zeros(len(labels), bool)
    multi_source = set()
    for label, srcs in HELD_OUT_SOURCES.items():
        held |= (labels == label) & np.isin(sources, srcs)
        multi_source.add(label)
    single = ~np.isin(labels, sorted(multi_source)) & random_test_mask(labels, sources)
    return held | single


def test_mask(protocol: str, labels: np.ndarray, sources: np.ndarray) -> np.ndarray:
    if protocol == "random":
        return random_test_mask(labels, sources)
    if protocol == "by_source":
        return by_source_test_mask(labels, sources)
    raise ValueError(f"unknown protocol {protocol!r}")


PROTOCOLS = ("random", "by_source")
