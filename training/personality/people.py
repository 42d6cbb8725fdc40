"""Rule Q of PREREGISTRATION.md: a TF-IDF model trained on the myPersonality writers as a second
input to the social-media recalibration, against the shipped recalibration (rule P's R).

    uv run python -m training.personality.people     # ~7 min on one core

Person folds with seeds 10-19 (fresh partitions of the same 250 people). For each test fold:
R is a logistic regression on the essays model's logit, fitted on the training-fold people; the
people model is TF-IDF + LR fitted on the training-fold people; Q is a logistic regression on
both logits, where the training people's people-model logits are out-of-fold (inner 5-fold).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache

import numpy as np
from scipy import sparse
from scipy.special import expit
from scipy.stats import t as student_t
from sklearn.model_selection import KFold

from analyzers.personality import PersonalityModel, logit
from analyzers.types import TRAIT_IDS
from training.personality.evaluate import (
    _header,
    _row,
    majority,
    person_folds,
)
from training.personality.models import WEIGHT_DTYPE, TfidfFeatures, fit_sparse
from training.personality.repeated import (
    SIGNAL_P,
    _by_trait,
    essays_signal_p,
    fit_recalibration,
    p_value_row,
    person_data,
    person_probabilities,
    recalibrated,
    seed_means,
)

PEOPLE_SEEDS = tuple(range(10, 20))
INNER_FOLDS = 5
R = "R: essays model recalibrated"
PEOPLE = "people model"
Q = "Q: two-input"
CANDIDATES = ("majority", R, PEOPLE, Q)


@cache
def people_tfidf() -> tuple[TfidfFeatures, sparse.csr_matrix]:
    """TF-IDF of the 250 writers' texts; vocabulary and idf fitted on all of them, no labels."""
    features = TfidfFeatures()
    return features, features.fit_transform(person_data()[0])


def people_logits(
    x: sparse.csr_matrix, labels: np.ndarray, train: np.ndarray, test: np.ndarray
) -> np.ndarray:
    """(len(test), 5) logits of the people model fitted on `train`."""
    z = [fit_sparse(x[train], labels[train, j]).decision_function(x[test]) for j in range(5)]
    return np.column_stack(z)


def inner_people_logits(
    x: sparse.csr_matrix, labels: np.ndarray, train: np.ndarray, seed: int
) -> np.ndarray:
    """(len(train), 5) out-of-fold logits of the people model inside `train`."""
    out = np.zeros((len(train), labels.shape[1]))
    for inner_train, inner_test in KFold(INNER_FOLDS, shuffle=True, random_state=seed).split(train):
        out[inner_test] = people_logits(x, labels, train[inner_train], train[inner_test])
    return out


def candidates(essays_proba: np.ndarray, seed: int) -> dict[str, np.ndarray]:
    """Out-of-fold P(high), (250, 5), of every candidate on the person folds of `seed`."""
    _, labels, _ = person_data()
    _, x = people_tfidf()
    z_essays = logit(essays_proba)
    folds = person_folds(len(labels), seed)
    out = {
        "majority": majority(labels, folds),
        R: recalibrated(essays_proba, labels, seed),
        PEOPLE: np.zeros(labels.shape),
        Q: np.zeros(labels.shape),
    }
    for train, test in folds:
        z_people = people_logits(x, labels, train, test)
        z_inner = inner_people_logits(x, labels, train, seed)
        out[PEOPLE][test] = expit(z_people)
        for j in range(labels.shape[1]):
            both_train = np.column_stack([z_essays[train, j], z_inner[:, j]])
            both_test = np.column_stack([z_essays[test, j], z_people[:, j]])
            q = fit_recalibration(both_train, labels[train, j])
            out[Q][test, j] = q.predict_proba(both_test)[:, 1]
    return out


def shipped_arrays(essays_proba: np.ndarray) -> dict[str, np.ndarray]:
    """Q fitted on all 250 people, as the artifact stores it: the people model's vocabulary and
    weights ("writers_*"), and the two-input recalibration ("social_*", (5, 2)), whose second
    input is the people model's out-of-fold logit (inner 5-fold, seed 0) as in the CV."""
    _, labels, _ = person_data()
    features, x = people_tfidf()
    everyone = np.arange(len(labels))
    z_essays, z_people = logit(essays_proba), inner_people_logits(x, labels, everyone, seed=0)
    writers = [fit_sparse(x, labels[:, j]) for j in range(len(TRAIT_IDS))]
    social = [
        fit_recalibration(np.column_stack([z_essays[:, j], z_people[:, j]]), labels[:, j])
        for j in range(len(TRAIT_IDS))
    ]
    return {
        **features.arrays("writers_"),
        "writers_coef": np.array([m.coef_[0] for m in writers], dtype=WEIGHT_DTYPE),
        "writers_intercept": np.array([m.intercept_[0] for m in writers], dtype=np.float32),
        "social_coef": np.array([m.coef_[0] for m in social], dtype=np.float32),
        "social_intercept": np.array([m.intercept_[0] for m in social], dtype=np.float32),
    }


@dataclass(frozen=True)
class RuleQ:
    """Means over PEOPLE_SEEDS, (5,) in TRAIT_IDS order, per candidate."""

    accuracy: dict[str, np.ndarray]
    pearson: dict[str, np.ndarray]
    essays_signal_p: np.ndarray
    """One-sided p of a positive r between the essays score (no person data) and the score."""

    @property
    def people_signal_p(self) -> np.ndarray:
        """One-sided p of the people model's mean out-of-fold r, n = 250 (pre-registered)."""
        n = len(person_data()[1])
        r = self.pearson[PEOPLE]
        t = r * np.sqrt((n - 2) / np.maximum(1 - r**2, 1e-12))
        return np.asarray(student_t.sf(t, n - 2))

    @property
    def ships(self) -> bool:
        return bool(self.accuracy[Q].mean() > self.accuracy[R].mean())

    @property
    def weak_traits(self) -> tuple[str, ...]:
        above = self.accuracy[Q] > self.accuracy["majority"]
        signal = (self.essays_signal_p < SIGNAL_P) | (self.people_signal_p < SIGNAL_P)
        return tuple(t for t, a, s in zip(TRAIT_IDS, above, signal, strict=True) if not (a and s))


def rule_q(essays_proba: np.ndarray) -> RuleQ:
    def runs() -> Iterator[dict[str, np.ndarray]]:
        for seed in PEOPLE_SEEDS:
            yield candidates(essays_proba, seed)
            print(f"seed {seed} done", flush=True)

    accs, rs = seed_means(runs(), CANDIDATES[1:])
    return RuleQ(accs, rs, essays_signal_p(essays_proba))


def tables(results: RuleQ) -> list[str]:
    seeds = f"{PEOPLE_SEEDS[0]}-{PEOPLE_SEEDS[-1]}"
    lines = [f"myPersonality, person folds seeds {seeds}, mean accuracy (%):", ""]
    lines += _header("model")
    lines += [_row(k, _by_trait(v)) for k, v in results.accuracy.items()]
    lines += ["", "Pearson r of P(high) with the trait score (mean over seeds):", ""]
    lines += _header("model")
    lines += [_row(k, _by_trait(v)) for k, v in results.pearson.items()]
    for name, p in (("essays", results.essays_signal_p), ("people", results.people_signal_p)):
        lines.append(p_value_row(f"one-sided p of r > 0, {name} model", p))
    lines += [
        "",
        f"Rule Q: {'Q ships' if results.ships else 'R stays'}; traits without measured signal"
        f" under Q: {', '.join(results.weak_traits) or 'none'}",
    ]
    return lines


if __name__ == "__main__":
    print("\n".join(tables(rule_q(person_probabilities(PersonalityModel.load())))))
