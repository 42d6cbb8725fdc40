"""Cross-validated comparison of the personality models; prints the model card's tables.

    uv run python -m training.personality.evaluate            # both data sets
    uv run python -m training.personality.evaluate essays     # one of them

Protocol (see analyzers/models/PERSONALITY.md):
- essays: 10 folds, seeded (SEED), stratified on the joint 5-trait label pattern so that one
  split serves all traits (each trait's class balance is kept in every fold); accuracy of
  P(high) >= 0.5 per trait, beside the training-fold majority class and Majumder et al. 2017.
- myPersonality: person-level 10 folds (KFold over the 250 people, seeded): every status of a
  person is in the same fold; a person's text is their statuses joined. Accuracy against the
  person's label, beside the training-fold majority class, and Pearson r of P(high) with the
  person's questionnaire score.
Out-of-fold probabilities are cached under var/personality/ so ensembles are cheap to re-run.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from functools import cache

import numpy as np
from scipy import sparse
from scipy.stats import pearsonr
from sklearn.model_selection import KFold, StratifiedKFold

from analyzers.captions import clean_caption
from analyzers.personality import PersonalityModel, lexicon_features
from analyzers.types import TRAIT_IDS
from training.personality.data import (
    MAJUMDER_2017,
    TRAIT_CODES,
    VAR_DIR,
    load_essays,
    load_mypersonality,
)
from training.personality.embed import (
    essay_embeddings,
    person_embeddings,
    whole_essay_embeddings,
)
from training.personality.lexicon import nc_lexicon_features
from training.personality.models import (
    SEED,
    TfidfFeatures,
    dense_proba,
    nb_proba,
    sparse_proba,
    sparse_proba_nested,
)
from training.personality.stacking import Base, inner_oof, stacked

Folds = list[tuple[np.ndarray, np.ndarray]]
SparseProba = Callable[[sparse.csr_matrix, np.ndarray, sparse.csr_matrix], np.ndarray]
ORDER = ("extraversion", "neuroticism", "agreeableness", "conscientiousness", "openness")
"""Column order of Majumder et al.'s table (EXT, NEU, AGR, CON, OPN)."""


def essay_folds(labels: np.ndarray, seed: int = SEED) -> Folds:
    joint = labels @ (1 << np.arange(labels.shape[1]))
    splitter = StratifiedKFold(10, shuffle=True, random_state=seed)
    return list(splitter.split(labels, joint))


def person_folds(n: int, seed: int = SEED) -> Folds:
    return list(KFold(10, shuffle=True, random_state=seed).split(np.arange(n)))


def _per_trait(
    labels: np.ndarray, folds: Folds, proba: Callable[[np.ndarray, np.ndarray, int], np.ndarray]
) -> np.ndarray:
    """Out-of-fold P(high), (n, 5); proba(train_idx, test_idx, trait) -> test probabilities."""
    out = np.zeros(labels.shape, dtype=float)
    for train, test in folds:
        for j in range(labels.shape[1]):
            out[test, j] = proba(train, test, j)
    return out


def dense_base(x: np.ndarray, labels: np.ndarray) -> Base:
    return lambda tr, te, j: dense_proba(x[tr], labels[tr, j], x[te])


def sparse_base(
    x: sparse.csr_matrix, labels: np.ndarray, proba: SparseProba = sparse_proba
) -> Base:
    return lambda tr, te, j: proba(x[tr], labels[tr, j], x[te])


def nb_base(x: sparse.csr_matrix, split: int, labels: np.ndarray) -> Base:
    """NB-LR on the binarised TF-IDF vocabulary (the same terms, presence only)."""
    binary = x.copy()
    binary.data[:] = 1.0
    return lambda tr, te, j: nb_proba(binary[tr], labels[tr, j], binary[te], split)


def dense_model(x: np.ndarray, labels: np.ndarray, folds: Folds) -> np.ndarray:
    return _per_trait(labels, folds, dense_base(x, labels))


def essay_tfidf() -> tuple[sparse.csr_matrix, int]:
    """TF-IDF features of all essays and the number of word columns (cached). The vocabulary
    and idf are fitted once on all essays, without labels (vectorising per fold took 7 minutes
    per fold on the shared machine)."""
    path = VAR_DIR / "tfidf-essays.npz"
    if not path.exists():
        features = TfidfFeatures()
        x = features.fit_transform(load_essays().texts)
        VAR_DIR.mkdir(parents=True, exist_ok=True)
        sparse.save_npz(path, x)
        np.save(path.with_suffix(".split.npy"), len(features.word.vocabulary_))
    return sparse.load_npz(path).tocsr(), int(np.load(path.with_suffix(".split.npy")))


def tfidf_model(
    texts: list[str], labels: np.ndarray, folds: Folds, proba: SparseProba = sparse_proba
) -> np.ndarray:
    """TF-IDF + LR. The vocabulary and idf are fitted once on all texts of the set (no labels
    are used; vectorising per fold took 7 minutes per fold on the shared machine)."""
    x = TfidfFeatures().fit_transform(texts)
    print("  tfidf vectorised", file=sys.stderr)
    return _per_trait(labels, folds, sparse_base(x, labels, proba))


def essays_tfidf_on(texts: list[str], essays: list[str], labels: np.ndarray) -> np.ndarray:
    """P(high) of `texts` from the shipped recipe: TF-IDF + LR fitted on all the essays."""
    features = TfidfFeatures()
    x = features.fit_transform(essays)
    x_texts = features.transform(texts)
    return np.column_stack([sparse_proba(x, labels[:, j], x_texts) for j in range(len(TRAIT_IDS))])


def majority(labels: np.ndarray, folds: Folds) -> np.ndarray:
    """The training fold's majority class as a 'probability' of 0 or 1."""
    return _per_trait(
        labels, folds, lambda tr, te, j: np.full(len(te), labels[tr, j].mean() >= 0.5)
    )


def cached(name: str, compute: Callable[[], np.ndarray]) -> np.ndarray:
    path = VAR_DIR / f"oof-{name}.npy"
    if path.exists():
        return np.load(path)
    result = compute()
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    np.save(path, result)
    return result


def accuracy(proba: np.ndarray, labels: np.ndarray) -> np.ndarray:
    """Percent correct per trait (TRAIT_IDS order)."""
    return 100.0 * ((proba >= 0.5) == labels.astype(bool)).mean(axis=0)


def _row(name: str, values: dict[str, float], extra: str = "") -> str:
    cells = " | ".join(f"{values[t]:.2f}" for t in ORDER)
    mean = np.mean([values[t] for t in ORDER])
    return f"| {name} | {cells} | {mean:.2f} |{extra}"


def _header(first: str) -> Iterator[str]:
    yield f"| {first} | " + " | ".join(TRAIT_CODES[t] for t in ORDER) + " | mean |"
    yield "|---" * (len(ORDER) + 2) + "|"


ESSAY_BASES: dict[str, str] = {
    "tfidf": "TF-IDF word+char, LR",
    "nblr": "NB-LR (NB-scaled binary word+char n-grams, LR)",
    "lexopen": "VADER + Empath, LR",
    "minilm-whole": "MiniLM, whole essay (mean of 128-piece windows), LR",
}
"""Base models that can be stacked: cache key -> table row. `SHIPPED_STACK` was fixed before
any stack was scored: the bases that are cheap to run on captions (MiniLM adds ~0.35 s and
90 MB of weights per process; its stacks were scored too, see the card)."""
SHIPPED_STACK = ("tfidf", "nblr", "lexopen")
SHIPPED_COMBINER = "mean"
"""How SHIPPED_STACK's bases are combined ("stack" or "mean"), chosen by rule E of
training/personality/PREREGISTRATION.md (training.personality.repeated)."""


def essay_lexicon(texts: list[str]) -> np.ndarray:
    """VADER + Empath features of the essays (cached)."""
    return cached("essays-lexopen-x", lambda: lexicon_features(texts))


@dataclass(frozen=True)
class EssayData:
    labels: np.ndarray
    folds: Folds
    bases: dict[str, Base]
    """Cache key -> base model over essay indices (features computed lazily, then cached)."""
    seed: int = SEED
    """The outer partition's seed; out-of-fold caches of other seeds carry it in their name."""


def essay_data(seed: int = SEED) -> EssayData:
    data = load_essays()
    y = data.labels

    @cache
    def build(key: str) -> Base:
        if key == "tfidf":
            return sparse_base(essay_tfidf()[0], y)
        if key == "nblr":
            return nb_base(*essay_tfidf(), y)
        if key == "lexopen":
            return dense_base(essay_lexicon(data.texts), y)
        return dense_base(whole_essay_embeddings(), y)

    def lazy(key: str) -> Base:
        return lambda tr, te, j: build(key)(tr, te, j)

    bases = {key: lazy(key) for key in ESSAY_BASES}
    return EssayData(y, essay_folds(y, seed), bases, seed)


def essay_oof(data: EssayData, key: str) -> tuple[np.ndarray, np.ndarray]:
    """(outer out-of-fold P(high) (n, 5), inner out-of-fold P(high) (folds, n, 5)) of a base."""
    base = data.bases[key]
    prefix = "essays" if data.seed == SEED else f"essays-s{data.seed}"
    outer = cached(f"{prefix}-{key}", lambda: _per_trait(data.labels, data.folds, base))
    inner = cached(f"{prefix}-inner-{key}", lambda: inner_oof(base, data.labels, data.folds))
    return outer, inner


def stack_oof(data: EssayData, keys: Sequence[str]) -> np.ndarray:
    pairs = [essay_oof(data, k) for k in keys]
    return stacked([o for o, _ in pairs], [i for _, i in pairs], data.labels, data.folds)


def mean_oof(data: EssayData, keys: Sequence[str]) -> np.ndarray:
    """The plain mean of the bases' outer out-of-fold P(high), (n, 5): no fitted weights."""
    return np.asarray(np.mean([essay_oof(data, key)[0] for key in keys], axis=0))


def shipped_oof(data: EssayData) -> np.ndarray:
    """Out-of-fold P(high) of the shipped combination of SHIPPED_STACK (SHIPPED_COMBINER)."""
    if SHIPPED_COMBINER == "stack":
        return stack_oof(data, SHIPPED_STACK)
    return mean_oof(data, SHIPPED_STACK)


def essays_candidates() -> tuple[np.ndarray, dict[str, np.ndarray]]:
    data = load_essays()
    ed = essay_data()
    folds = ed.folds
    y = data.labels
    minilm = essay_embeddings()
    lex_nc = cached("essays-lexnc-x", lambda: nc_lexicon_features(data.texts))
    p = {
        "majority class (training fold)": majority(y, folds),
        **{label: essay_oof(ed, key)[0] for key, label in ESSAY_BASES.items()},
        "TF-IDF word+char, LR, C by inner 3-fold CV (nested)": cached(
            "essays-tfidf-nestedC",
            lambda: tfidf_model(data.texts, y, folds, sparse_proba_nested),
        ),
        "MiniLM, first 254 pieces only, LR": cached(
            "essays-minilm", lambda: dense_model(minilm, y, folds)
        ),
        "NRC + WWBP (non-commercial, eval only), LR": cached(
            "essays-lexnc", lambda: dense_model(lex_nc, y, folds)
        ),
    }
    tfidf, lex = p[ESSAY_BASES["tfidf"]], p[ESSAY_BASES["lexopen"]]
    mini = p["MiniLM, first 254 pieces only, LR"]
    p["mean P of MiniLM (first 254) and VADER + Empath"] = (mini + lex) / 2
    p["mean P of TF-IDF and MiniLM (first 254)"] = (tfidf + mini) / 2
    p["mean P of TF-IDF, MiniLM (first 254) and VADER + Empath"] = (tfidf + mini + lex) / 3
    p["mean P of TF-IDF, NB-LR and VADER + Empath"] = (tfidf + p[ESSAY_BASES["nblr"]] + lex) / 3
    p["mean P of TF-IDF and MiniLM (whole)"] = (tfidf + p[ESSAY_BASES["minilm-whole"]]) / 2
    for keys in STACKS:
        shipped = " (shipped)" if keys == SHIPPED_STACK else ""
        names = " + ".join(ESSAY_BASES[k].split(" (")[0].removesuffix(", LR") for k in keys)
        p[f"stack (nested LR on logits): {names}{shipped}"] = stack_oof(ed, keys)
    return y, p


STACKS: tuple[tuple[str, ...], ...] = (
    ("tfidf",),
    ("tfidf", "lexopen"),
    ("tfidf", "nblr"),
    SHIPPED_STACK,
    ("tfidf", "minilm-whole"),
    ("tfidf", "nblr", "lexopen", "minilm-whole"),
)
"""Every stack that was scored (all of them are in the table); TF-IDF alone is a recalibration."""


def essays_table() -> list[str]:
    y, candidates = essays_candidates()
    lines = ["Essays, 10-fold CV accuracy (%), 2,467 essays:", "", *_header("model")]
    for name, proba in candidates.items():
        lines.append(_row(name, dict(zip(TRAIT_IDS, accuracy(proba, y), strict=True))))
    lines.append(_row("Majumder et al. 2017 (published)", MAJUMDER_2017))
    shipped = next(p for name, p in candidates.items() if name.endswith("(shipped)"))
    tfidf = candidates[ESSAY_BASES["tfidf"]]
    low, high = bootstrap_interval(shipped, y)
    lines += ["", f"Shipped stack, mean accuracy: 95% bootstrap interval {low:.2f}..{high:.2f}"]
    low, high = bootstrap_interval(shipped, y, tfidf)
    lines.append(f"Shipped stack minus TF-IDF LR: 95% bootstrap interval {low:+.2f}..{high:+.2f}")
    return lines


def bootstrap_interval(
    proba: np.ndarray, labels: np.ndarray, minus: np.ndarray | None = None, draws: int = 2000
) -> tuple[float, float]:
    """95% interval of the mean accuracy over the five traits (or of its difference from
    `minus`, paired), resampling essays with replacement (seeded)."""
    correct = ((proba >= 0.5) == labels.astype(bool)).mean(axis=1)
    if minus is not None:
        correct = correct - ((minus >= 0.5) == labels.astype(bool)).mean(axis=1)
    rng = np.random.default_rng(SEED)
    means = [correct[rng.integers(0, len(correct), len(correct))].mean() for _ in range(draws)]
    low, high = np.percentile(means, [2.5, 97.5])
    return 100.0 * float(low), 100.0 * float(high)


def mypersonality_candidates() -> tuple[np.ndarray, np.ndarray, dict[str, np.ndarray]]:
    people = load_mypersonality()
    y = np.array([p.labels for p in people])
    scores = np.array([p.scores for p in people])
    folds = person_folds(len(people))
    texts = [clean_caption(p.text) for p in people]
    x_people = person_embeddings()
    essays = load_essays()
    x_essays = essay_embeddings()

    everyone = np.arange(len(people))
    p = {
        "majority class (training fold)": majority(y, folds),
        "TF-IDF word+char, LR, trained on people": cached(
            "mp-tfidf", lambda: tfidf_model(texts, y, folds)
        ),
        "MiniLM, LR, trained on people": cached(
            "mp-minilm", lambda: dense_model(x_people, y, folds)
        ),
        "stack (TF-IDF + NB-LR + VADER + Empath), trained on people": cached(
            "mp-stack", lambda: people_stack(texts, y, folds)
        ),
        "TF-IDF word+char, LR, trained on essays only (shipped until 2026-11-23)": cached(
            "mp-tfidf-essays", lambda: essays_tfidf_on(texts, essays.texts, essays.labels)
        ),
        "shipped essays model, before its social-media recalibration": (
            PersonalityModel.load().essay_probabilities(texts)
        ),
        "MiniLM, LR, trained on essays only": cached(
            "mp-minilm-essays",
            lambda: _per_trait(
                y,
                [(everyone, everyone)],
                lambda tr, te, j: dense_proba(x_essays, essays.labels[:, j], x_people),
            ),
        ),
    }
    return y, scores, p


def people_stack(texts: list[str], labels: np.ndarray, folds: Folds) -> np.ndarray:
    """The shipped stack's recipe cross-validated on people (nested as on the essays; the
    TF-IDF vocabulary is fitted on the 250 people without labels)."""
    features = TfidfFeatures()
    x = features.fit_transform(texts)
    bases = [
        sparse_base(x, labels),
        nb_base(x, len(features.word.vocabulary_), labels),
        dense_base(lexicon_features(texts), labels),
    ]
    outer = [_per_trait(labels, folds, b) for b in bases]
    inner = [inner_oof(b, labels, folds) for b in bases]
    return stacked(outer, inner, labels, folds)


def mypersonality_table() -> list[str]:
    y, scores, candidates = mypersonality_candidates()
    lines = ["myPersonality, person-level 10-fold CV (250 people): accuracy (%) and Pearson r:", ""]
    lines += _header("model")
    rs = []
    for name, proba in candidates.items():
        lines.append(_row(name, dict(zip(TRAIT_IDS, accuracy(proba, y), strict=True))))
        if proba.std(axis=0).min() > 0:
            r = [pearsonr(proba[:, j], scores[:, j])[0] for j in range(len(TRAIT_IDS))]
            rs.append(_row(name, dict(zip(TRAIT_IDS, r, strict=True))))
    return [*lines, "", "Pearson r of P(high) with the trait score:", "", *_header("model"), *rs]


if __name__ == "__main__":
    which = set(sys.argv[1:]) or {"essays", "mypersonality"}
    if "essays" in which:
        print("\n".join(essays_table()), end="\n\n")
    if "mypersonality" in which:
        print("\n".join(mypersonality_table()))
