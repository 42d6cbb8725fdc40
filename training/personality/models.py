"""The candidate classifiers of the comparison table, one binary model per trait.

Hyper-parameters are chosen only inside the training data they are given: every model is a
LogisticRegressionCV whose C is picked by an inner stratified 5-fold CV (log-loss) on the
training fold alone, so the outer CV is a nested CV. TF-IDF vocabularies and scalers are also
fitted on the training fold only.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence

import numpy as np
from scipy import sparse
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegressionCV
from sklearn.model_selection import StratifiedKFold
from sklearn.preprocessing import StandardScaler

# LogisticRegressionCV's attribute-layout transition warnings (scikit-learn 1.8) are noise here.
warnings.filterwarnings("ignore", category=FutureWarning, module="sklearn")

SEED = 0
DENSE_CS = (0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1.0)
SPARSE_CS = (0.3, 1.0, 3.0, 10.0, 30.0)


def inner_cv() -> StratifiedKFold:
    return StratifiedKFold(5, shuffle=True, random_state=SEED)


def logistic(cs: Sequence[float]) -> LogisticRegressionCV:
    return LogisticRegressionCV(
        Cs=list(cs), cv=inner_cv(), scoring="neg_log_loss", max_iter=2000, solver="lbfgs"
    )


class TfidfFeatures:
    """Word 1-2-grams + character 2-5-grams (within word boundaries), sublinear TF, L2."""

    def __init__(self) -> None:
        self.word = TfidfVectorizer(
            ngram_range=(1, 2), min_df=3, max_features=50_000, sublinear_tf=True
        )
        self.char = TfidfVectorizer(
            analyzer="char_wb", ngram_range=(2, 5), min_df=3, max_features=50_000, sublinear_tf=True
        )

    def fit_transform(self, texts: Sequence[str]) -> sparse.csr_matrix:
        return sparse.hstack(
            [self.word.fit_transform(texts), self.char.fit_transform(texts)]
        ).tocsr()

    def transform(self, texts: Sequence[str]) -> sparse.csr_matrix:
        return sparse.hstack([self.word.transform(texts), self.char.transform(texts)]).tocsr()


def fit_dense(x: np.ndarray, y: np.ndarray) -> tuple[StandardScaler, LogisticRegressionCV]:
    scaler = StandardScaler().fit(x)
    return scaler, logistic(DENSE_CS).fit(scaler.transform(x), y)


def dense_proba(x_train: np.ndarray, y: np.ndarray, x_test: np.ndarray) -> np.ndarray:
    """P(high) on x_test from a standardised logistic regression fitted on x_train."""
    scaler, model = fit_dense(x_train, y)
    return np.asarray(model.predict_proba(scaler.transform(x_test))[:, 1])


def sparse_proba(
    x_train: sparse.csr_matrix, y: np.ndarray, x_test: sparse.csr_matrix
) -> np.ndarray:
    model = logistic(SPARSE_CS).fit(x_train, y)
    return np.asarray(model.predict_proba(x_test)[:, 1])
