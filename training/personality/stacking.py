"""Nested stacking: a second-level logistic regression on the base models' out-of-fold logits.

For each outer CV fold and trait, every base model is cross-validated INSIDE the outer training
fold (INNER_FOLDS folds, stratified on the joint label pattern as the outer split); a logistic
regression (META_C, fixed beforehand) learns from those inner out-of-fold logits how to weigh
the base models. It is then applied to the base models' outer out-of-fold logits (each base
model refitted on the whole outer training fold, as evaluate.py already caches). The outer test
fold is never seen by the weights.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold

from analyzers.personality import logit
from training.personality.models import SEED

Folds = list[tuple[np.ndarray, np.ndarray]]
Base = Callable[[np.ndarray, np.ndarray, int], np.ndarray]
"""(training indices, test indices, trait column) -> P(high) of the test texts."""

INNER_FOLDS = 5
META_C = 1.0


def joint_pattern(labels: np.ndarray) -> np.ndarray:
    """One class per combination of the five binary labels (the stratification key)."""
    return np.asarray(labels @ (1 << np.arange(labels.shape[1])))


def inner_oof(base: Base, labels: np.ndarray, folds: Folds) -> np.ndarray:
    """(outer folds, n, traits): out-of-fold P(high) of `base` by an inner CV on each outer
    training fold; NaN at the outer test texts."""
    out = np.full((len(folds), *labels.shape), np.nan)
    splitter = StratifiedKFold(INNER_FOLDS, shuffle=True, random_state=SEED)
    for f, (train, _) in enumerate(folds):
        for inner_train, inner_test in splitter.split(train, joint_pattern(labels[train])):
            for j in range(labels.shape[1]):
                out[f, train[inner_test], j] = base(train[inner_train], train[inner_test], j)
    return out


def fit_meta(z: np.ndarray, y: np.ndarray) -> LogisticRegression:
    """The second level on (texts, base models) logits."""
    return LogisticRegression(C=META_C).fit(z, y)


def stacked(
    outer: Sequence[np.ndarray], inner: Sequence[np.ndarray], labels: np.ndarray, folds: Folds
) -> np.ndarray:
    """Outer out-of-fold P(high) of the stack, (n, traits).

    `outer[m]` is base model m's outer out-of-fold P(high), (n, traits); `inner[m]` its
    `inner_oof` array."""
    out = np.zeros(labels.shape)
    for f, (train, test) in enumerate(folds):
        for j in range(labels.shape[1]):
            z_train = np.column_stack([logit(p[f, train, j]) for p in inner])
            z_test = np.column_stack([logit(p[test, j]) for p in outer])
            out[test, j] = fit_meta(z_train, labels[train, j]).predict_proba(z_test)[:, 1]
    return out
