"""The style head: a logistic regression on the embedding, its temperature and `other` threshold.

The head is a multinomial logistic regression on the embedding's whitened principal
components (classes weighted by inverse frequency; the projection and the temperature are
folded into the weights so the TFLite graph needs one matmul). Its classes are the 11 subject
styles, the mood class and, for the candidates that learn it, `other`. A photo is `other` when
no non-`other` class reaches the threshold tau (rule `max`), or by one of the other rules of
the second amendment (`argmax`, `other_p`), chosen on inner validation (PREREGISTRATION.md).
Candidate A6 adds a few inputs beside the embedding: the fixed ImageNet prior (`prior.py`);
A9 adds a fixed term on the part of that prior above SURE_MASS (`sure_excess`).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from typing import TypeVar

import numpy as np
from scipy.optimize import minimize, minimize_scalar
from sklearn.metrics import f1_score

from analyzers.style import HEAD_CLASSES, SUBJECT_STYLES
from analyzers.types import OTHER_STYLE

CLASSES: tuple[str, ...] = (*HEAD_CLASSES, OTHER_STYLE)
"""What a head that learns `other` predicts: 11 subject styles, the mood class, other."""
C_GRID = (0.01, 0.1)
TAU_GRID = tuple(round(0.2 + 0.05 * i, 2) for i in range(15))
"""0.20, 0.25, ..., 0.90."""
RULES = ("max", "argmax", "other_p")
"""How the probabilities become an outcome (PREREGISTRATION.md, second amendment): `max` (the
best non-`other` class if it reaches tau, else `other`), `argmax` (no threshold), `other_p`
(`other` if its own probability reaches tau, else the best non-`other` class)."""
OTHER_PRECISION_FLOOR = 0.8
Option = TypeVar("Option")
SURE_MASS = 0.5
"""A9 (fifth amendment): a prior group adds to its style only above this share of ImageNet's
probability."""


def sure_excess(prior: np.ndarray) -> np.ndarray:
    """max(0, log(group mass + eps) - log SURE_MASS) of the prior features (`prior.py`): zero
    unless ImageNet is more than half sure of the group, so a term on it never lowers a class."""
    return np.maximum(prior - np.float32(np.log(SURE_MASS)), 0.0)


@dataclass(frozen=True)
class Head:
    weights: np.ndarray
    """(1280, K) in the raw embedding's units."""
    bias: np.ndarray
    classes: tuple[str, ...]
    prior_weights: np.ndarray | None = None
    """(G, K) on the ImageNet prior's features (`prior.py`), for the heads that read them."""
    sure_weights: np.ndarray | None = None
    """(G, K) on `sure_excess` of the prior features (A9's fixed term)."""

    def logits(self, embeddings: np.ndarray, prior: np.ndarray | None = None) -> np.ndarray:
        z = embeddings @ self.weights + self.bias
        if self.prior_weights is not None:
            if prior is None:
                raise ValueError("this head reads the ImageNet prior")
            z = z + prior @ self.prior_weights
            if self.sure_weights is not None:
                z = z + sure_excess(prior) @ self.sure_weights
        return np.asarray(z)

    def plus_prior(self, matrix: np.ndarray) -> Head:
        """The same head with `matrix` (G, K) added to its prior weights (A7's fixed term)."""
        if self.prior_weights is None:
            raise ValueError("this head reads no ImageNet prior")
        return replace(self, prior_weights=self.prior_weights + matrix)

    def plus_sure(self, matrix: np.ndarray) -> Head:
        """The same head with `matrix` (G, K) as its weights on `sure_excess` (A9's term)."""
        if self.prior_weights is None:
            raise ValueError("this head reads no ImageNet prior")
        return replace(self, sure_weights=matrix)

    def scaled(self, temperature: float) -> Head:
        """The same head with its logits divided by the temperature (before any fixed term)."""
        if self.sure_weights is not None:
            raise ValueError("scale the head before adding A9's fixed term")
        pw = None if self.prior_weights is None else self.prior_weights / temperature
        return Head(self.weights / temperature, self.bias / temperature, self.classes, pw)


def softmax(z: np.ndarray) -> np.ndarray:
    z = z - z.max(axis=1, keepdims=True)
    e = np.exp(z)
    return np.asarray(e / e.sum(axis=1, keepdims=True))


def fit_head(
    embeddings: np.ndarray,
    labels: np.ndarray,
    c: float,
    classes: tuple[str, ...],
    prior: np.ndarray | None = None,
) -> Head:
    """Multinomial logistic regression on the top COMPONENTS principal components of the
    embedding (whitened; fitted on these rows), by L-BFGS in float32: the minimiser of
    scikit-learn's objective C * sum_i w_i * cross_entropy_i + |W|^2 / 2 ("balanced" class
    weights w_i, intercept not penalised). scikit-learn's LogisticRegression on all 1,280
    standardised dimensions took 150 s per fit on this shared machine (the protocol needs ~100
    fits per candidate); whitened, the problem converges in under 100 iterations. Projection
    and weights fold into one (1280, K) matrix. The `prior` features, if given, are
    standardised and appended to the components (same penalty)."""
    mean, project = _whitening(embeddings)
    x = ((embeddings - mean) @ project).astype(np.float32)
    if prior is not None:
        p_mean, p_std = prior.mean(axis=0), np.maximum(prior.std(axis=0), 1e-6)
        x = np.concatenate([x, ((prior - p_mean) / p_std).astype(np.float32)], axis=1)
    y = np.array([classes.index(label) for label in labels])
    n, d, k = len(y), x.shape[1], len(classes)
    counts = np.bincount(y, minlength=k).astype(np.float32)
    w = (n / (k * np.maximum(counts, 1)))[y].astype(np.float32) / n
    onehot = np.zeros((n, k), np.float32)
    onehot[np.arange(n), y] = 1.0
    penalty = np.float32(1.0 / (c * n))

    def objective(theta: np.ndarray) -> tuple[float, np.ndarray]:
        coef = theta[: d * k].reshape(d, k).astype(np.float32)
        z = x @ coef + theta[d * k :].astype(np.float32)
        z -= z.max(axis=1, keepdims=True)
        log_p = z - np.log(np.exp(z).sum(axis=1, keepdims=True))
        loss = -(w * log_p[np.arange(n), y]).sum() + 0.5 * penalty * (coef**2).sum()
        residual = (np.exp(log_p) - onehot) * w[:, None]
        grad = np.concatenate([(x.T @ residual + penalty * coef).ravel(), residual.sum(axis=0)])
        return float(loss), grad.astype(np.float64)

    theta = minimize(objective, np.zeros(d * k + k), jac=True, method="L-BFGS-B").x
    coef = theta[: d * k].reshape(d, k)
    weights = project @ coef[: project.shape[1]]
    bias = theta[d * k :] - mean @ weights
    prior_weights = None
    if prior is not None:
        prior_weights = coef[project.shape[1] :] / p_std[:, None]
        bias = bias - p_mean @ prior_weights
        prior_weights = prior_weights.astype(np.float32)
    return Head(weights.astype(np.float32), bias.astype(np.float32), classes, prior_weights)


COMPONENTS = 256
PCA_STRIDE = 4
"""The principal components come from every 4th row (a few seconds instead of a minute)."""


def _whitening(x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(mean, (1280, COMPONENTS) projection) onto whitened principal components."""
    mean = x.mean(axis=0)
    sample = x[::PCA_STRIDE] - mean
    _, s, vt = np.linalg.svd(sample, full_matrices=False)
    std = s[:COMPONENTS] / np.sqrt(len(sample))
    return mean, (vt[:COMPONENTS].T / np.maximum(std, 1e-6)).astype(np.float32)


def fit_temperature(logits: np.ndarray, labels: np.ndarray, classes: tuple[str, ...]) -> float:
    """The T minimising the negative log-likelihood of softmax(logits / T)."""
    y = np.array([classes.index(x) for x in labels])

    def nll(log_t: float) -> float:
        z = logits / np.exp(log_t)
        z = z - z.max(axis=1, keepdims=True)
        log_p = z - np.log(np.exp(z).sum(axis=1, keepdims=True))
        return float(-log_p[np.arange(len(y)), y].mean())

    return float(np.exp(minimize_scalar(nll, bounds=(-3.0, 3.0), method="bounded").x))


def decide(
    probs: np.ndarray, classes: tuple[str, ...], tau: float, rule: str = "max"
) -> np.ndarray:
    """The served outcome under one of RULES (tau is ignored by `argmax`)."""
    if rule == "argmax":
        return np.asarray(classes)[probs.argmax(1)]
    styled = [i for i, c in enumerate(classes) if c != OTHER_STYLE]
    best = np.asarray(classes)[styled][probs[:, styled].argmax(1)]
    if rule == "max":
        return np.where(probs[:, styled].max(1) >= tau, best, OTHER_STYLE)
    if rule == "other_p":
        return np.where(probs[:, classes.index(OTHER_STYLE)] >= tau, OTHER_STYLE, best)
    raise ValueError(f"unknown rule {rule!r}")


def subject_macro_f1(truth: np.ndarray, predicted: np.ndarray, with_other: bool = False) -> float:
    """macro-F1 over the 11 subject styles (and `other` too if asked)."""
    labels = [*SUBJECT_STYLES, OTHER_STYLE] if with_other else list(SUBJECT_STYLES)
    return float(f1_score(truth, predicted, labels=labels, average="macro", zero_division=0))


def choose_tau(probs: np.ndarray, labels: np.ndarray, classes: tuple[str, ...]) -> float:
    """The tau of TAU_GRID with the best macro-F1 over the subject styles + `other`."""
    scores = [
        subject_macro_f1(labels, decide(probs, classes, t), with_other=True) for t in TAU_GRID
    ]
    return TAU_GRID[int(np.argmax(scores))]


def choose_rule(
    probs: np.ndarray, labels: np.ndarray, classes: tuple[str, ...]
) -> tuple[str, float]:
    """(rule, tau) of the second amendment, by `choose_under_floor`."""
    options = [("argmax", 0.0)] + [(r, t) for r in ("max", "other_p") for t in TAU_GRID]
    return choose_under_floor(options, lambda o: decide(probs, classes, o[1], o[0]), labels)


def choose_under_floor(
    options: Sequence[Option], predict: Callable[[Option], np.ndarray], labels: np.ndarray
) -> Option:
    """Among the options whose `other` precision reaches OTHER_PRECISION_FLOOR, the one with
    the best macro-F1 over the subject styles + `other`; if none reaches it, the best macro-F1
    of all (the first option wins ties)."""
    best: dict[bool, tuple[float, Option]] = {}
    for option in options:
        predicted = predict(option)
        f1 = subject_macro_f1(labels, predicted, with_other=True)
        hit = predicted == OTHER_STYLE
        precise = bool(hit.any()) and (labels[hit] == OTHER_STYLE).mean() >= OTHER_PRECISION_FLOOR
        if precise not in best or f1 > best[precise][0]:
            best[precise] = (f1, option)
    return best[True][1] if True in best else best[False][1]
