"""The style head: a logistic regression on the embedding, its temperature and `other` threshold.

The head is a multinomial logistic regression on the embedding's whitened principal
components (classes weighted by inverse frequency; the projection and the temperature are
folded into the weights so the TFLite graph needs one matmul). Its classes are the 11 subject
styles, the mood class and, for the candidates that learn it, `other`. A photo is `other` when
no non-`other` class reaches the threshold tau (PREREGISTRATION.md).
"""

from __future__ import annotations

from dataclasses import dataclass

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


def fit_head(
    embeddings: np.ndarray, labels: np.ndarray, c: float, classes: tuple[str, ...]
) -> Head:
    """Multinomial logistic regression on the top COMPONENTS principal components of the
    embedding (whitened; fitted on these rows), by L-BFGS in float32: the minimiser of
    scikit-learn's objective C * sum_i w_i * cross_entropy_i + |W|^2 / 2 ("balanced" class
    weights w_i, intercept not penalised). scikit-learn's LogisticRegression on all 1,280
    standardised dimensions took 150 s per fit on this shared machine (the protocol needs ~100
    fits per candidate); whitened, the problem converges in under 100 iterations. Projection
    and weights fold into one (1280, K) matrix."""
    mean, project = _whitening(embeddings)
    x = ((embeddings - mean) @ project).astype(np.float32)
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
    weights = project @ theta[: d * k].reshape(d, k)
    bias = theta[d * k :] - mean @ weights
    return Head(weights.astype(np.float32), bias.astype(np.float32), classes)


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
    scores = [
        subject_macro_f1(labels, decide(probs, classes, t), with_other=True) for t in TAU_GRID
    ]
    return TAU_GRID[int(np.argmax(scores))]
