"""Fit the shipped personality model, its confidence curve and the test's check fold.

    uv run python -m training.personality.train

The shipped model is `evaluate.SHIPPED_STACK`'s bases (TF-IDF LR, NB-LR and VADER + Empath LR)
combined by `evaluate.SHIPPED_COMBINER`: the plain mean of their probabilities, or a
second-level logistic regression per trait on their logits (analyzers/personality.py runs it).

1. Base models on all 2,467 essays; a second level, if any, on their 10-fold out-of-fold logits
   (evaluate.py's cached outer predictions, the same protocol as the card's CV figure).
2. Learning curve: for each of the 10 CV folds, the fold's model (base models on the training
   part, a second level on the inner out-of-fold logits of that part, as in the CV) scores its
   test essays cut to their first N words (N in CURVE_WORDS). The mean accuracy over the five
   traits at N words, minus the training-fold majority baseline, divided by the same gain on
   the whole essays, is the confidence at N words (clipped to 0..1, made non-decreasing).
   MIN_WORDS is the smallest N whose confidence reaches MIN_CONFIDENCE; below it the analyzer
   answers "not enough text to say".
3. A check: fold 0's weights (personality_check.npz, float16 as shipped) with their
   accuracy on CHECK_ESSAYS essays of that fold's test part, which the test reproduces from
   the raw data with the shipped vocabularies.
4. If rule P of PREREGISTRATION.md ships it (SOCIAL_RECALIBRATION), the social-media
   recalibration: per trait, a logistic regression on logit P(high) of the 250 myPersonality
   writers (all of them; its cross-validated figures are in training.personality.repeated),
   the traits that showed no measured signal there (`weak_traits`), and the share of "high"
   writers per trait (`typical`, the reports' reference ring).
Weights are stored as float16 (the accuracy figures below are computed with them).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import numpy as np
from scipy import sparse

from analyzers.personality import (
    BASE_MODELS,
    MODEL_PATH,
    PersonalityModel,
    lexicon_names,
    logit,
)
from analyzers.types import TRAIT_IDS
from training.personality.data import load_essays
from training.personality.evaluate import (
    SHIPPED_COMBINER,
    SHIPPED_STACK,
    accuracy,
    essay_data,
    essay_lexicon,
    essay_oof,
    shipped_oof,
)
from training.personality.models import (
    SPARSE_C,
    WEIGHT_DTYPE,
    TfidfFeatures,
    fit_dense,
    fit_sparse,
    nb_scale,
)
from training.personality.models import nb_ratio as log_count_ratio
from training.personality.people import rule_q
from training.personality.people import shipped_arrays as people_model_arrays
from training.personality.people import tables as rule_q_tables
from training.personality.repeated import (
    fit_recalibration,
    mypersonality_tables,
    person_data,
    person_probabilities,
    person_results,
)
from training.personality.stacking import fit_meta

CURVE_WORDS = (10, 20, 40, 80, 160, 320)
MIN_CONFIDENCE = 0.5
CHECK_ESSAYS = 150
ARRAYS_PATH = MODEL_PATH.with_suffix(".npz")
CHECK_PATH = MODEL_PATH.with_name("personality_check.npz")
VOCABULARY_KEYS = ("word_terms", "word_idf", "char_terms", "char_idf", "lexicon_names")
"""Arrays shared by the shipped model and the check fold (only the first file holds them)."""


def _truncate(text: str, words: int) -> str:
    return " ".join(text.split()[:words])


def vocabulary_arrays(features: TfidfFeatures) -> dict[str, np.ndarray]:
    return {**features.arrays(), "lexicon_names": np.array(lexicon_names())}


def model_weights(
    x: sparse.csr_matrix,
    split: int,
    lexicon: np.ndarray,
    labels: np.ndarray,
    meta_logits: np.ndarray | None,
) -> dict[str, np.ndarray]:
    """The base models' weight arrays fitted on (x, lexicon, labels); a second level (the
    "stack" combiner) is fitted on `meta_logits`, (n, 5 traits, 3 base models) out-of-fold
    logits of the same texts."""
    binary = x.copy()
    binary.data[:] = 1.0
    out: dict[str, list[np.ndarray]] = {}
    for j in range(len(TRAIT_IDS)):
        y = labels[:, j]
        tfidf = fit_sparse(x, y)
        ratio = log_count_ratio(binary, y)
        nblr = fit_sparse(nb_scale(binary, ratio, split), y)
        scaler, lex = fit_dense(lexicon, y)
        fitted: dict[str, Any] = {
            "tfidf_coef": tfidf.coef_[0],
            "tfidf_intercept": tfidf.intercept_[0],
            "nb_ratio": ratio,
            "nblr_coef": nblr.coef_[0],
            "nblr_intercept": nblr.intercept_[0],
            "lexicon_coef": lex.coef_[0],
            "lexicon_intercept": lex.intercept_[0],
            "lexicon_mean": scaler.mean_,
            "lexicon_scale": scaler.scale_,
        }
        if meta_logits is not None:
            meta = fit_meta(meta_logits[:, j, :], y)
            fitted |= {"meta_coef": meta.coef_[0], "meta_intercept": meta.intercept_[0]}
        for key, value in fitted.items():
            out.setdefault(key, []).append(np.asarray(value))
    arrays = {k: np.array(v) for k, v in out.items()}
    for key in ("lexicon_mean", "lexicon_scale"):
        arrays[key] = arrays[key][0]  # the scaler does not depend on the trait
    big = ("tfidf_coef", "nb_ratio", "nblr_coef")
    return {k: v.astype(WEIGHT_DTYPE if k in big else np.float32) for k, v in arrays.items()}


def _metadata(min_words: int, curve_words: list[int], curve_conf: list[float]) -> dict[str, Any]:
    return {
        "traits": list(TRAIT_IDS),
        "base_models": list(BASE_MODELS),
        "combiner": SHIPPED_COMBINER,
        "arrays": ARRAYS_PATH.name,
        "min_words": min_words,
        "confidence_curve": {"words": curve_words, "confidence": curve_conf},
    }


def _oof_logits(probabilities: list[np.ndarray]) -> np.ndarray | None:
    """(n, 5, base models) logits from each base model's (n, 5) P(high), for the second level;
    None when the combiner has none."""
    if SHIPPED_COMBINER != "stack":
        return None
    return np.stack([logit(p) for p in probabilities], axis=-1)


def typical_writer() -> dict[str, float]:
    """The share of "high" labels per trait among the 250 myPersonality writers: the score the
    recalibration gives a writer it knows nothing about."""
    rates = person_data()[1].mean(axis=0)
    return {t: round(float(r), 3) for t, r in zip(TRAIT_IDS, rates, strict=True)}


@dataclass(frozen=True)
class Social:
    """What rules P and Q ship for social-media text, and their cross-validated tables."""

    arrays: dict[str, np.ndarray]
    """The recalibration (and the writers model, under rule Q) fitted on all 250 people;
    empty if rule P ships no recalibration."""
    weak_traits: tuple[str, ...]
    tables: list[str]
    description: str


def social_recalibration(model: PersonalityModel) -> Social:
    """Rule P, then rule Q (PREREGISTRATION.md) on the essays model's P(high) of the writers."""
    probabilities = person_probabilities(model)
    results = person_results(probabilities)
    tables = list(mypersonality_tables(results))
    if not results.ships:
        return Social({}, (), tables, "")
    two_input = rule_q(probabilities)
    tables += ["", *rule_q_tables(two_input)]
    if two_input.ships:
        return Social(
            people_model_arrays(probabilities),
            two_input.weak_traits,
            tables,
            "; recalibrated on 250 myPersonality writers with a TF-IDF LR trained on them",
        )
    labels = person_data()[1]
    z = logit(probabilities)
    fits = [fit_recalibration(z[:, j : j + 1], labels[:, j]) for j in range(5)]
    arrays = {
        "social_coef": np.array([f.coef_[0] for f in fits], dtype=np.float32),
        "social_intercept": np.array([f.intercept_[0] for f in fits], dtype=np.float32),
    }
    return Social(
        arrays, results.weak_traits, tables, "; recalibrated on 250 myPersonality writers"
    )


def confidence_curve(
    curve: dict[int, float], whole: float, majority: float, essay_words: int
) -> tuple[list[int], list[float], int]:
    words = list(curve)
    gain = (np.array(list(curve.values())) - majority) / max(whole - majority, 1e-9)
    gain = np.maximum.accumulate(np.clip(gain, 0.0, 1.0))
    reached = [w for w, g in zip(words, gain, strict=True) if g >= MIN_CONFIDENCE]
    min_words = reached[0] if reached else words[-1]
    # Anchors: no confidence without text; full confidence at an average essay's length.
    return [0, *words, essay_words], [0.0, *map(float, gain), 1.0], min_words


def main() -> None:
    essays = load_essays()
    texts, labels = essays.texts, essays.labels
    data = essay_data()
    features = TfidfFeatures()
    x = features.fit_transform(texts)
    split = len(features.word.vocabulary_)
    lexicon = essay_lexicon(texts)
    vocabulary = vocabulary_arrays(features)
    oof = [essay_oof(data, key) for key in SHIPPED_STACK]
    cv = shipped_oof(data)
    cv_mean = float(accuracy(cv, labels).mean())

    # Learning curve and the check fold: each fold's model, as in the CV.
    stub = _metadata(0, [0, 1], [0.0, 1.0])
    correct: dict[int, list[bool]] = {n: [] for n in (*CURVE_WORDS, 0)}  # 0: whole essays
    majority: list[bool] = []
    check: dict[str, Any] = {}
    for f, (train, test) in enumerate(data.folds):
        inner = _oof_logits([i[f, train] for _, i in oof])
        weights = model_weights(x[train], split, lexicon[train], labels[train], inner)
        model = PersonalityModel.from_arrays(stub, {**vocabulary, **weights})
        majority.extend((labels[test] == (labels[train].mean(0) >= 0.5)).ravel())
        for n in correct:
            cut = [texts[i] if n == 0 else _truncate(texts[i], n) for i in test]
            correct[n].extend(((model.predict(cut) >= 0.5) == labels[test]).ravel())
        if f == 0:
            subset = test[:CHECK_ESSAYS]
            predicted = model.predict([texts[i] for i in subset]) >= 0.5
            check = {
                **weights,
                "essay_indices": subset,
                "accuracy": 100.0 * float((predicted == labels[subset]).mean()),
                "cv_mean_accuracy": cv_mean,
            }
        print(f"fold {f}: whole essays so far {100 * np.mean(correct[0]):.2f}%", flush=True)
    mean = {n: 100.0 * float(np.mean(v)) for n, v in correct.items()}
    curve, whole = {n: mean[n] for n in CURVE_WORDS}, mean[0]
    majority_acc = 100.0 * float(np.mean(majority))

    print("\nLearning curve (essays cut to their first N words, each scored by the model of the")
    print("CV fold that did not see it; mean accuracy over the five traits, %):\n")
    print("| words | " + " | ".join(map(str, curve)) + " | whole essay | majority |")
    print("|---" * (len(curve) + 3) + "|")
    cells = " | ".join(f"{a:.1f}" for a in curve.values())
    print(f"| accuracy | {cells} | {whole:.1f} | {majority_acc:.1f} |")
    essay_words = int(np.mean([len(t.split()) for t in texts]))
    curve_words, curve_conf, min_words = confidence_curve(curve, whole, majority_acc, essay_words)
    print(f"\nconfidence {dict(zip(curve_words, np.round(curve_conf, 3), strict=True))}")
    print(f"minimum words: {min_words}")
    print(f"(CV mean {cv_mean:.2f}%; float16 fold models on whole essays {whole:.2f}%)\n")

    weights = model_weights(x, split, lexicon, labels, _oof_logits([o for o, _ in oof]))
    metadata = _metadata(min_words, curve_words, curve_conf)
    social = social_recalibration(PersonalityModel.from_arrays(metadata, {**vocabulary, **weights}))
    print("\n".join(social.tables), end="\n\n")
    np.savez_compressed(ARRAYS_PATH, **vocabulary, **weights, **social.arrays)
    meta = {
        **metadata,
        "weak_traits": list(social.weak_traits),
        **({"typical": typical_writer()} if social.arrays else {}),
        "features": "word 1-2-gram + char_wb 2-5-gram TF-IDF (sublinear, L2), 50k + 50k terms;"
        " the same terms' presence for NB-LR; VADER + Empath (198)",
        "model": f"TF-IDF LR, NB-LR (C={SPARSE_C}), VADER+Empath LR (C by inner CV), combined"
        + (
            " by a second-level logistic regression per trait on the three logits"
            if SHIPPED_COMBINER == "stack"
            else " by the mean of their probabilities"
        )
        + social.description,
        "trained_on": "Pennebaker & King essays, 2,467 (whole texts)",
        "trained_at": datetime.now(UTC).strftime("%Y-%m-%d"),
        "essays_cv_mean_accuracy_seed0": round(cv_mean, 2),
    }
    MODEL_PATH.write_text(json.dumps(meta, indent=1), encoding="utf-8")
    np.savez_compressed(CHECK_PATH, **check)
    for path in (MODEL_PATH, ARRAYS_PATH, CHECK_PATH):
        print(
            f"wrote {path.relative_to(MODEL_PATH.parents[2])} ({path.stat().st_size / 1e6:.2f} MB)"
        )
    print(
        f"check fold 0, {CHECK_ESSAYS} held-out essays: {check['accuracy']:.2f}%"
        f" (CV mean {cv_mean:.2f}%)"
    )


if __name__ == "__main__":
    main()
