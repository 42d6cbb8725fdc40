"""The candidate classifiers of the comparison table, one binary model per trait.

Hyper-parameters are chosen only inside the training data they are given: every dense model is
a LogisticRegressionCV whose C is picked by an inner stratified 5-fold CV (log-loss) on the
training fold alone, so the outer CV is a nested CV; the TF-IDF model uses a C fixed
beforehand. Scalers are fitted on the training fold only; the TF-IDF vocabulary and idf are
fitted without labels on the whole set (see evaluate.tfidf_model).
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence

import numpy as np
from scipy import sparse
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression, LogisticRegressionCV
from sklearn.model_selection import StratifiedKFold
from sklearn.preprocessing import StandardScaler, normalize

from analyzers.personality import CHAR_TFIDF, WORD_TFIDF, tfidf_features

# LogisticRegressionCV's attribute-layout transition warnings (scikit-learn 1.8) are noise here.
warnings.filterwarnings("ignore", category=FutureWarning, module="sklearn")

SEED = 0
DENSE_CS = (0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1.0)
SPARSE_C = 1.0
NESTED_SPARSE_CS = (0.3, 1.0, 3.0)
NB_ALPHA = 1.0
"""TF-IDF models use scikit-learn's default C, fixed beforehand: an inner search over 100k
sparse features was too slow for the shared machine (no tuning on test folds either way).
A nested check over NESTED_SPARSE_CS is a separate row of the essays table."""
WEIGHT_DTYPE = np.float16
"""The artifact's large weight arrays are stored as float16 (figures are computed with them)."""


def inner_cv() -> StratifiedKFold:
    return StratifiedKFold(5, shuffle=True, random_state=SEED)


def logistic(cs: Sequence[float]) -> LogisticRegressionCV:
    return LogisticRegressionCV(
        Cs=list(cs), cv=inner_cv(), scoring="neg_log_loss", max_iter=2000, solver="lbfgs"
    )


class TfidfFeatures:
    """Word 1-2-grams + character 2-5-grams (within word boundaries), sublinear TF, L2 each,
    the 50,000 most frequent of each kind seen in at least 3 texts."""

    def __init__(self) -> None:
        limits = {"min_df": 3, "max_features": 50_000}
        self.word = TfidfVectorizer(**WORD_TFIDF, **limits)
        self.char = TfidfVectorizer(**CHAR_TFIDF, **limits)

    def fit_transform(self, texts: Sequence[str]) -> sparse.csr_matrix:
        return sparse.hstack(
            [self.word.fit_transform(texts), self.char.fit_transform(texts)]
        ).tocsr()

    def transform(self, texts: Sequence[str]) -> sparse.csr_matrix:
        return tfidf_features(self.word, self.char, texts)

    def arrays(self, prefix: str = "") -> dict[str, np.ndarray]:
        """The fitted vocabularies and idf as the artifact stores them (analyzers/personality)."""
        return {
            f"{prefix}word_terms": self.word.get_feature_names_out().astype(str),
            f"{prefix}word_idf": self.word.idf_.astype(np.float32),
            f"{prefix}char_terms": self.char.get_feature_names_out().astype(str),
            f"{prefix}char_idf": self.char.idf_.astype(np.float32),
        }


def fit_sparse(x: sparse.csr_matrix, y: np.ndarray) -> LogisticRegression:
    return LogisticRegression(C=SPARSE_C, solver="liblinear").fit(x, y)


def fit_dense(x: np.ndarray, y: np.ndarray) -> tuple[StandardScaler, LogisticRegressionCV]:
    scaler = StandardScaler().fit(x)
    return scaler, logistic(DENSE_CS).fit(scaler.transform(x), y)


def dense_proba(x_train: np.ndarray, y: np.ndarray, x_test: np.ndarray) -> np.ndarray:
    """P(high) on x_test from a standardised logistic regression fitted on x_train."""
    scaler, model = fit_dense(x_train, y)
    return np.asarray(model.predict_proba(scaler.transform(x_test))[:, 1])


def sparse_proba_nested(
    x_train: sparse.csr_matrix, y: np.ndarray, x_test: sparse.csr_matrix
) -> np.ndarray:
    """The TF-IDF model with C picked from NESTED_SPARSE_CS by an inner stratified 3-fold CV."""
    inner = StratifiedKFold(3, shuffle=True, random_state=SEED)
    model = LogisticRegressionCV(
        Cs=list(NESTED_SPARSE_CS), cv=inner, scoring="neg_log_loss", solver="liblinear"
    ).fit(x_train, y)
    return np.asarray(model.predict_proba(x_test)[:, 1])


def sparse_proba(
    x_train: sparse.csr_matrix, y: np.ndarray, x_test: sparse.csr_matrix
) -> np.ndarray:
    model = fit_sparse(x_train, y)
    return np.asarray(model.predict_proba(x_test)[:, 1])


def nb_ratio(x_binary: sparse.csr_matrix, y: np.ndarray, alpha: float = NB_ALPHA) -> np.ndarray:
    """Wang & Manning's (2012) log-count ratio of binary features: log(p/|p|) - log(q/|q|),
    p and q the feature counts of the positive and negative texts plus `alpha`."""
    p = alpha + np.asarray(x_binary[y == 1].sum(axis=0)).ravel()
    q = alpha + np.asarray(x_binary[y == 0].sum(axis=0)).ravel()
    return np.asarray(np.log(p / p.sum()) - np.log(q / q.sum()))


def nb_scale(x_binary: sparse.csr_matrix, ratio: np.ndarray, split: int) -> sparse.csr_matrix:
    """Binary features times the ratio, each block (columns < split: words; the rest:
    characters) L2-normalised as in the TF-IDF model, so that the same C suits both."""
    scaled = sparse.csr_matrix(x_binary.multiply(ratio[None, :]))
    blocks = [normalize(scaled[:, :split]), normalize(scaled[:, split:])]
    return sparse.hstack(blocks).tocsr()


def nb_proba(
    x_train: sparse.csr_matrix, y: np.ndarray, x_test: sparse.csr_matrix, split: int
) -> np.ndarray:
    """NB-LR: logistic regression (C fixed beforehand, SPARSE_C) on NB-scaled binary n-grams;
    the ratio is computed on x_train only."""
    ratio = nb_ratio(x_train, y)
    model = fit_sparse(nb_scale(x_train, ratio, split), y)
    return np.asarray(model.predict_proba(nb_scale(x_test, ratio, split))[:, 1])
