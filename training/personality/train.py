"""Fit the shipped personality model, its confidence curve and the test's check fold.

    uv run python -m training.personality.train

The shipped model is the best row of the essays comparison (evaluate.py): word + character
TF-IDF with one logistic regression per trait (C fixed beforehand, models.SPARSE_C).

1. Learning curve: every essay is cut to its first N words (N in CURVE_WORDS) and scored by
   the model of the 10-fold CV fold that did not see it. The mean accuracy over the five traits
   at N words, minus the training-fold majority baseline, divided by the same gain on the whole
   essays, is the confidence at N words (clipped to 0..1, made non-decreasing). MIN_WORDS is the
   smallest N whose confidence reaches MIN_CONFIDENCE; below it the analyzer answers "not
   enough text to say".
2. The model, fitted on all 2,467 essays: analyzers/models/personality.npz (vocabularies, idf,
   float32 weights) + personality.json (metadata, curve).
3. A check (personality_check.npz): the weights of CV fold 0 (float16) with their accuracy on
   CHECK_ESSAYS essays of that fold's test part, which the test reproduces from the raw data.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime

import numpy as np
from scipy import sparse

from analyzers.personality import MODEL_PATH
from analyzers.types import TRAIT_IDS
from training.personality.data import load_essays
from training.personality.evaluate import accuracy, cached, essay_folds, tfidf_model
from training.personality.models import SPARSE_C, TfidfFeatures, fit_sparse

CURVE_WORDS = (10, 20, 40, 80, 160, 320)
MIN_CONFIDENCE = 0.5
CHECK_ESSAYS = 150
ARRAYS_PATH = MODEL_PATH.with_suffix(".npz")
CHECK_PATH = MODEL_PATH.with_name("personality_check.npz")


def _truncate(text: str, words: int) -> str:
    return " ".join(text.split()[:words])


def learning_curve(
    features: TfidfFeatures, x: sparse.csr_matrix, texts: list[str], labels: np.ndarray
) -> tuple[dict[int, float], float, float]:
    """(N words -> mean accuracy %, whole-essay accuracy %, majority %), out of fold."""
    cut = {n: features.transform([_truncate(t, n) for t in texts]) for n in CURVE_WORDS}
    correct: dict[int, list[bool]] = {n: [] for n in (*CURVE_WORDS, 0)}  # 0: whole essays
    majority: list[bool] = []
    for train, test in essay_folds(labels):
        for j in range(len(TRAIT_IDS)):
            y = labels[:, j]
            model = fit_sparse(x[train], y[train])
            majority.extend(y[test] == int(y[train].mean() >= 0.5))
            for n in correct:
                predicted = model.predict((x if n == 0 else cut[n])[test])
                correct[n].extend(predicted == y[test])
    mean = {n: 100.0 * float(np.mean(v)) for n, v in correct.items()}
    return {n: mean[n] for n in CURVE_WORDS}, mean[0], 100.0 * float(np.mean(majority))


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


def _weights(x: sparse.csr_matrix, labels: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    models = [fit_sparse(x, labels[:, j]) for j in range(len(TRAIT_IDS))]
    coef = np.vstack([m.coef_[0] for m in models])
    return coef, np.array([m.intercept_[0] for m in models])


def main() -> None:
    data = load_essays()
    features = TfidfFeatures()
    x = features.fit_transform(data.texts)
    oof = cached(
        "essays-tfidf", lambda: tfidf_model(data.texts, data.labels, essay_folds(data.labels))
    )
    cv_mean = float(accuracy(oof, data.labels).mean())

    curve, whole, majority = learning_curve(features, x, data.texts, data.labels)
    print("Learning curve (essays cut to their first N words, out of fold; mean accuracy over")
    print("the five traits, %):\n")
    print("| words | " + " | ".join(map(str, curve)) + " | whole essay | majority |")
    print("|---" * (len(curve) + 3) + "|")
    cells = " | ".join(f"{a:.1f}" for a in curve.values())
    print(f"| accuracy | {cells} | {whole:.1f} | {majority:.1f} |")
    essay_words = int(np.mean([len(t.split()) for t in data.texts]))
    curve_words, curve_conf, min_words = confidence_curve(curve, whole, majority, essay_words)
    print(f"\nconfidence {dict(zip(curve_words, np.round(curve_conf, 3), strict=True))}")
    print(f"minimum words: {min_words}\n")

    coef, intercept = _weights(x, data.labels)
    np.savez_compressed(
        ARRAYS_PATH,
        word_terms=features.word.get_feature_names_out().astype(str),
        word_idf=features.word.idf_.astype(np.float32),
        char_terms=features.char.get_feature_names_out().astype(str),
        char_idf=features.char.idf_.astype(np.float32),
        coef=coef.astype(np.float32),
        intercept=intercept.astype(np.float32),
    )
    meta = {
        "traits": list(TRAIT_IDS),
        "arrays": ARRAYS_PATH.name,
        "features": "word 1-2-gram + char_wb 2-5-gram TF-IDF (sublinear, L2), 50k + 50k terms",
        "model": f"logistic regression per trait, C={SPARSE_C} (liblinear)",
        "trained_on": "Pennebaker & King essays, 2,467 (whole texts)",
        "trained_at": datetime.now(UTC).strftime("%Y-%m-%d"),
        "essays_cv_mean_accuracy": round(cv_mean, 2),
        "min_words": min_words,
        "confidence_curve": {"words": curve_words, "confidence": curve_conf},
    }
    MODEL_PATH.write_text(json.dumps(meta, indent=1), encoding="utf-8")

    train, test = essay_folds(data.labels)[0]
    subset = test[:CHECK_ESSAYS]
    fold_coef, fold_intercept = _weights(x[train], data.labels[train])
    fold_coef = fold_coef.astype(np.float16)
    logits = x[subset] @ fold_coef.astype(np.float64).T + fold_intercept
    check = 100.0 * float(((logits >= 0) == data.labels[subset].astype(bool)).mean())
    np.savez_compressed(
        CHECK_PATH,
        coef=fold_coef,
        intercept=fold_intercept.astype(np.float32),
        essay_indices=subset,
        accuracy=check,
        cv_mean_accuracy=cv_mean,
    )
    for path in (MODEL_PATH, ARRAYS_PATH, CHECK_PATH):
        print(
            f"wrote {path.relative_to(MODEL_PATH.parents[2])} ({path.stat().st_size / 1e6:.2f} MB)"
        )
    print(f"check fold 0, {len(subset)} held-out essays: {check:.2f}% (CV mean {cv_mean:.2f}%)")


if __name__ == "__main__":
    main()
