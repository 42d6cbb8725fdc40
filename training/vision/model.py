"""The style head and the combiner: fitting, saving and predicting from cached features.

The head is a multinomial logistic regression on the 1,280-d embedding (standardised; the
scaler is folded into the weights so the TFLite graph needs one matmul). The combiner is a
second logistic regression on `analyzers.style.combiner_features`, fitted on out-of-fold head
probabilities so that it never sees head outputs on the head's own training images. It sees
two out-of-fold versions of every training photo: from random folds (the head on familiar
kinds of photo) and from folds that hold out whole sources (the head on an unseen collection,
where it is often wrong), so it learns how far to trust the head against the other cues.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import f1_score
from sklearn.model_selection import StratifiedKFold, StratifiedShuffleSplit
from sklearn.preprocessing import StandardScaler

from analyzers.imagenet import style_class_matrix
from analyzers.style import FEATURE_NAMES, HEAD_CLASSES, combiner_features

HEAD_C_GRID = (0.01, 0.05, 0.2)
COMBINER_C = 1.0
MOOD_THRESHOLD = 0.8
SEED = 0
FOLDS = 5


@dataclass(frozen=True)
class Head:
    weights: np.ndarray
    """(1280, 12) in the raw embedding's units."""
    bias: np.ndarray

    def proba(self, embeddings: np.ndarray) -> np.ndarray:
        z = embeddings @ self.weights + self.bias
        z -= z.max(axis=1, keepdims=True)
        e = np.exp(z)
        return np.asarray(e / e.sum(axis=1, keepdims=True))

    def save(self, path: Path) -> None:
        np.savez(path, weights=self.weights, bias=self.bias, classes=np.array(HEAD_CLASSES))

    @staticmethod
    def load(path: Path) -> Head:
        with np.load(path) as f:
            if tuple(f["classes"]) != HEAD_CLASSES:
                raise ValueError(f"{path} was fitted for other classes")
            return Head(f["weights"], f["bias"])


def class_ids(labels: np.ndarray) -> np.ndarray:
    return np.array([HEAD_CLASSES.index(label) for label in labels])


def fit_head(embeddings: np.ndarray, labels: np.ndarray, c: float) -> Head:
    scaler = StandardScaler().fit(embeddings)
    lr = LogisticRegression(C=c, max_iter=2000, class_weight="balanced")
    lr.fit(scaler.transform(embeddings), class_ids(labels))
    weights = (lr.coef_ / scaler.scale_).T
    bias = lr.intercept_ - (lr.coef_ * scaler.mean_ / scaler.scale_).sum(axis=1)
    return Head(weights.astype(np.float32), bias.astype(np.float32))


def choose_c(embeddings: np.ndarray, labels: np.ndarray) -> tuple[float, dict[float, float]]:
    """The head's regularisation, by macro-F1 on one stratified 25% validation part of the
    training data (the test split is never involved)."""
    split = StratifiedShuffleSplit(1, test_size=0.25, random_state=SEED)
    train, val = next(split.split(embeddings, labels))
    scores = {}
    for c in HEAD_C_GRID:
        pred = fit_head(embeddings[train], labels[train], c).proba(embeddings[val]).argmax(1)
        scores[c] = float(f1_score(class_ids(labels[val]), pred, average="macro"))
    return max(scores, key=scores.__getitem__), scores


def random_folds(labels: np.ndarray) -> np.ndarray:
    """Fold of every training image, stratified by style."""
    folds = np.zeros(len(labels), int)
    splitter = StratifiedKFold(FOLDS, shuffle=True, random_state=SEED)
    for k, (_, held) in enumerate(splitter.split(np.zeros(len(labels)), labels)):
        folds[held] = k
    return folds


def source_folds(labels: np.ndarray, sources: np.ndarray) -> np.ndarray:
    """Fold of every training image such that a style with several sources has each whole
    source in its own fold: the head then predicts photos of a collection it never saw, as it
    will on a new Instagram account. A single-source style is split at random."""
    rng = np.random.default_rng(SEED)
    folds = np.zeros(len(labels), int)
    for label in np.unique(labels):
        members = labels == label
        label_sources = np.unique(sources[members])
        if len(label_sources) > 1:
            offset = int(rng.integers(FOLDS))
            for i, source in enumerate(label_sources):
                folds[members & (sources == source)] = (offset + i) % FOLDS
        else:
            index = np.flatnonzero(members)
            folds[index] = rng.permutation(len(index)) % FOLDS
    return folds


def out_of_fold_head(
    embeddings: np.ndarray, labels: np.ndarray, c: float, folds: np.ndarray
) -> np.ndarray:
    """Head probabilities for every training image from a head that did not train on its fold."""
    out = np.zeros((len(labels), len(HEAD_CLASSES)))
    for k in np.unique(folds):
        held = folds == k
        out[held] = fit_head(embeddings[~held], labels[~held], c).proba(embeddings[held])
    return out


def imagenet_evidence_from_logits(logits: np.ndarray, top_k: int = 5) -> np.ndarray:
    """Vectorised `analyzers.style.imagenet_evidence`: the top-k softmax mass mapped to styles."""
    z = logits - logits.max(axis=1, keepdims=True)
    probs = np.exp(z)
    probs /= probs.sum(axis=1, keepdims=True)
    kth = np.sort(probs, axis=1)[:, -top_k][:, None]
    return np.asarray(np.where(probs >= kth, probs, 0.0) @ style_class_matrix())


def features(
    head_probs: np.ndarray, evidence: np.ndarray, stats: np.ndarray, faces: np.ndarray
) -> np.ndarray:
    return combiner_features(head_probs, evidence, stats, faces)


@dataclass(frozen=True)
class Combiner:
    coef: np.ndarray
    intercept: np.ndarray
    columns: np.ndarray
    """Boolean mask over FEATURE_NAMES: the parts this combiner uses (others have weight 0)."""

    def proba(self, x: np.ndarray) -> np.ndarray:
        z = x @ self.coef.T + self.intercept
        z -= z.max(axis=1, keepdims=True)
        e = np.exp(z)
        return np.asarray(e / e.sum(axis=1, keepdims=True))

    def save(self, path: Path) -> None:
        spec = {"coef": np.round(self.coef, 6).tolist(), "intercept": self.intercept.tolist()}
        path.write_text(json.dumps(spec) + "\n", encoding="utf-8")

    @staticmethod
    def load(path: Path) -> Combiner:
        spec = json.loads(path.read_text(encoding="utf-8"))
        coef = np.asarray(spec["coef"])
        return Combiner(coef, np.asarray(spec["intercept"]), np.abs(coef).sum(axis=0) > 0)


def write_shipped(with_faces: Path, without_faces: Path, out: Path) -> None:
    """The run-time file of analyzers/style.py: both combiners, classes, features, threshold."""
    spec = {
        "classes": list(HEAD_CLASSES),
        "features": list(FEATURE_NAMES),
        "mood_threshold": MOOD_THRESHOLD,
        "with_faces": json.loads(with_faces.read_text(encoding="utf-8")),
        "without_faces": json.loads(without_faces.read_text(encoding="utf-8")),
    }
    out.write_text(json.dumps(spec) + "\n", encoding="utf-8")


def fit_combiner(x: np.ndarray, labels: np.ndarray, columns: np.ndarray) -> Combiner:
    """Logistic regression on the chosen feature columns (standardised, folded back)."""
    scaler = StandardScaler().fit(x[:, columns])
    lr = LogisticRegression(C=COMBINER_C, max_iter=3000, class_weight="balanced")
    lr.fit(scaler.transform(x[:, columns]), class_ids(labels))
    coef = np.zeros((len(HEAD_CLASSES), x.shape[1]))
    coef[:, columns] = lr.coef_ / scaler.scale_
    intercept = lr.intercept_ - (lr.coef_ * scaler.mean_ / scaler.scale_).sum(axis=1)
    return Combiner(coef, intercept, columns)


def feature_columns(parts: tuple[str, ...]) -> np.ndarray:
    """Mask of FEATURE_NAMES whose prefix ('head', 'imagenet', 'stat', 'face') is in `parts`."""
    return np.array([name.split(":")[0] in parts for name in FEATURE_NAMES])
