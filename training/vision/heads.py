"""The style head: a logistic regression on the embedding, its temperature and `other` threshold.

The head is a multinomial logistic regression on the 1,280-d embedding (standardised, classes
weighted by inverse frequency; the scaler and the temperature are folded into the weights so
the TFLite graph needs one matmul). Its classes are the 11 subject styles, the mood class and,
for the candidates that learn it, `other`. A photo is `other` when no non-`other` class reaches
the threshold tau (PREREGISTRATION.md).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.optimize import minimize_scalar
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import f1_score
from sklearn.preprocessing import StandardScaler

from analyzers.style import HEAD_CLASSES, SUBJECT_STYLES
from analyzers.types import OTHER_STYLE

CLASSES: tuple[str, ...] = (*HEAD_CLASSES, OTHER_STYLE)
"""What a head that learns `other` predicts: 11 subject styles, the mood class, other."""
C_GRID = (0.01, 0.1)
TAU_GRID = tuple(round(0.2 + 0.05 * i, 2) for i in range(15))
"""0.20, 0.25, ..., 0.90."""


@dataclass(frozen=True)
class Head:
    weights: np.ndarray
    """(1280, K) in the raw embedding's units."""
    bias: np.ndarray
    classes: tuple[str, ...]

    def logits(self, embeddings: np.ndarray) -> np.ndarray:
        return np.asarray(embeddings @ self.weights + self.bias)

    def scaled(self, temperature: float) -> Head:
        """The same head with its logits divided by the temperature."""
        return Head(self.weights / temperature, self.bias / temperature, self.classes)


def softmax(z: np.ndarray) -> np.ndarray:
    z = z - z.max(axis=1, keepdims=True)
    e = np.exp(z)
    return np.asarray(e / e.sum(axis=1, keepdims=True))


def fit_head(embeddings: np.ndarray, labels: np.ndarray, c: float, classes: tuple[str, ...]) -> Head:
    scaler = StandardScaler().fit(embeddings)
    lr = LogisticRegression(C=c, max_iter=1000, class_weight="balanced")
    lr.fit(scaler.transform(embeddings), np.array([classes.index(x) for x in labels]))
    weights = (lr.coef_ / scaler.scale_).T
    bias = lr.intercept_ - (lr.coef_ * scaler.mean_ / scaler.scale_).sum(axis=1)
    return Head(weights.astype(np.float32), bias.astype(np.float32), classes)


def fit_temperature(logits: np.ndarray, labels: np.ndarray, classes: tuple[str, ...]) -> float:
    """The T minimising the negative log-likelihood of softmax(logits / T)."""
    y = np.array([classes.index(x) for x in labels])

    def nll(log_t: float) -> float:
        z = logits / np.exp(log_t)
        z = z - z.max(axis=1, keepdims=True)
        log_p = z - np.log(np.exp(z).sum(axis=1, keepdims=True))
        return float(-log_p[np.arange(len(y)), y].mean())

    return float(np.exp(minimize_scalar(nll, bounds=(-3.0, 3.0), method="bounded").x))


def decide(probs: np.ndarray, classes: tuple[str, ...], tau: float) -> np.ndarray:
    """The served outcome: the best non-`other` class if it reaches tau, else `other`."""
    styled = [i for i, c in enumerate(classes) if c != OTHER_STYLE]
    best = np.asarray(classes)[styled][probs[:, styled].argmax(1)]
    return np.where(probs[:, styled].max(1) >= tau, best, OTHER_STYLE)


def subject_macro_f1(truth: np.ndarray, predicted: np.ndarray, with_other: bool = False) -> float:
    """macro-F1 over the 11 subject styles (and `other` too if asked)."""
    labels = [*SUBJECT_STYLES, OTHER_STYLE] if with_other else list(SUBJECT_STYLES)
    return float(f1_score(truth, predicted, labels=labels, average="macro", zero_division=0))


def choose_tau(probs: np.ndarray, labels: np.ndarray, classes: tuple[str, ...]) -> float:
    """The tau of TAU_GRID with the best macro-F1 over the subject styles + `other`."""
    scores = [subject_macro_f1(labels, decide(probs, classes, t), with_other=True) for t in TAU_GRID]
    return TAU_GRID[int(np.argmax(scores))]
