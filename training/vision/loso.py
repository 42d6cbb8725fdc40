"""Fold groups of the leave-one-source-out protocol and the inner by-group validation split.

See PREREGISTRATION.md: a photo whose label has several sources belongs to its source's group;
party, studying and sad_mood (one source each) are spread over RANDOM_GROUPS seeded random
groups. Each group is held out once (outer fold); hyperparameters come from one inner split of
the training groups, never from the held-out group.
"""

from __future__ import annotations

import numpy as np

from analyzers.types import OTHER_STYLE

SEED = 0
RANDOM_GROUPS = 5
INNER_VALIDATION_SHARE = 1 / 3


def fold_groups(labels: np.ndarray, sources: np.ndarray) -> np.ndarray:
    """The outer-fold group of every photo: its source, or `random:k` for single-source labels."""
    rng = np.random.default_rng(SEED)
    groups = sources.astype(object).copy()
    for label in np.unique(labels):
        members = np.flatnonzero(labels == label)
        if len(np.unique(sources[members])) == 1:
            ks = rng.permutation(len(members)) % RANDOM_GROUPS
            groups[members] = [f"random:{k}" for k in ks]
    return groups.astype(str)


def inner_validation(labels: np.ndarray, groups: np.ndarray, seed: int) -> np.ndarray:
    """A seeded third of the groups as inner validation (True), by group; a group goes back to
    the training part if its removal would leave one of its labels without training photos."""
    rng = np.random.default_rng(seed)
    unique = np.unique(groups)
    chosen = set(unique[rng.random(len(unique)) < INNER_VALIDATION_SHARE])
    for group in sorted(chosen):
        val = np.isin(groups, sorted(chosen))
        in_group = groups == group
        if any(not (~val & (labels == lab)).any() for lab in np.unique(labels[in_group])):
            chosen.discard(group)
    return np.isin(groups, sorted(chosen))


def other_out_parts(labels: np.ndarray, sources: np.ndarray) -> np.ndarray:
    """The outer-fold part of every photo in the second `other` measurement (PREREGISTRATION.md,
    second amendment): the k-th `other` source's photos and a seeded random k-th of the style
    photos form part k, so each `other` source is held out with styles from seen sources."""
    other = labels == OTHER_STYLE
    other_sources = np.unique(sources[other])
    parts = np.zeros(len(labels), int)
    parts[other] = np.searchsorted(other_sources, sources[other])
    rng = np.random.default_rng(SEED)
    parts[~other] = rng.permutation(int((~other).sum())) % len(other_sources)
    return parts


SOURCE_FOLDS = 5


def source_folds(labels: np.ndarray, groups: np.ndarray) -> np.ndarray:
    """The fold (0..SOURCE_FOLDS-1) of every photo in protocol `sources5` (third amendment): the
    loso groups dealt into 5 folds by a seeded permutation, `random:k` into fold k, redrawn until
    every label keeps a training source in every fold."""
    sourced = np.array(sorted(g for g in np.unique(groups) if not g.startswith("random:")))
    rng = np.random.default_rng(SEED)
    while True:
        fold_of = {g: i % SOURCE_FOLDS for i, g in enumerate(rng.permutation(sourced))}
        fold_of.update({f"random:{k}": k % SOURCE_FOLDS for k in range(RANDOM_GROUPS)})
        folds = np.array([fold_of[g] for g in groups])
        if all(len(np.unique(folds[labels == label])) > 1 for label in np.unique(labels)):
            return folds


def collection_parts(labels: np.ndarray, sources: np.ndarray) -> np.ndarray:
    """Protocol `other_collections` (third amendment): part 0 holds out other_instagram's five
    folders, part 1 MiniPlaces' `other` classes, each with a seeded random half of the style
    photos."""
    other = labels == OTHER_STYLE
    parts = np.zeros(len(labels), int)
    parts[other] = (sources[other] == "miniplaces").astype(int)
    rng = np.random.default_rng(SEED)
    parts[~other] = rng.permutation(int((~other).sum())) % 2
    return parts
