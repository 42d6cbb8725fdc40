"""Fit the shipped personality model and its confidence curve into models/personality.json.

    uv run python -m training.personality.train

1. Learning curve: a fixed, seeded sample of CURVE_ESSAYS essays is cut to its first N words
   (N in CURVE_WORDS); each cut essay is scored by the model of the CV fold that did not see it
   (trained on full essays' first windows). The mean accuracy over the five traits at N words,
   minus the majority baseline, divided by the same gain at full length, is the confidence at
   N words (clipped to 0..1, made non-decreasing). MIN_WORDS is the smallest N whose confidence
   reaches MIN_CONFIDENCE: below it the analyzer answers "not enough text to say".
2. The model: standardised MiniLM first-window embeddings of all 2,467 essays, one
   LogisticRegressionCV per trait (C by inner 5-fold CV), stored as plain JSON arrays.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime

import numpy as np

from analyzers.personality import MODEL_PATH
from analyzers.types import TRAIT_IDS
from training.personality.data import load_essays
from training.personality.embed import cached_embeddings, essay_embeddings
from training.personality.evaluate import essay_folds
from training.personality.models import SEED, fit_dense

CURVE_ESSAYS = 300
CURVE_WORDS = (10, 20, 40, 80, 160)
MIN_CONFIDENCE = 0.5


def _truncate(text: str, words: int) -> str:
    return " ".join(text.split()[:words])


def learning_curve() -> tuple[list[int], list[float], float, float]:
    """(word counts, mean accuracy % at each, full first-window accuracy %, majority %)."""
    data = load_essays()
    x = essay_embeddings()
    sample = np.sort(np.random.default_rng(SEED).choice(len(data.texts), CURVE_ESSAYS, False))
    cut = {
        n: cached_embeddings(f"curve{n}", [_truncate(data.texts[i], n) for i in sample])
        for n in CURVE_WORDS
    }
    where = {int(i): k for k, i in enumerate(sample)}
    correct = {n: [] for n in (*CURVE_WORDS, 0)}  # 0 = the whole first window
    majority = []
    for train, test in essay_folds(data.labels):
        mine = [i for i in test if int(i) in where]
        if not mine:
            continue
        rows = [where[int(i)] for i in mine]
        for j in range(len(TRAIT_IDS)):
            y = data.labels[:, j]
            scaler, model = fit_dense(x[train], y[train])
            majority.extend(y[mine] == int(y[train].mean() >= 0.5))
            for n in correct:
                feats = x[mine] if n == 0 else cut[n][rows]
                correct[n].extend(model.predict(scaler.transform(feats)) == y[mine])
    accuracy = {n: 100.0 * float(np.mean(v)) for n, v in correct.items()}
    return (
        list(CURVE_WORDS),
        [accuracy[n] for n in CURVE_WORDS],
        accuracy[0],
        100 * float(np.mean(majority)),
    )


def confidence_curve(
    words: list[int], accuracy: list[float], full: float, majority: float
) -> tuple[list[int], list[float], int]:
    gain = np.clip((np.array(accuracy) - majority) / max(full - majority, 1e-9), 0.0, 1.0)
    gain = np.maximum.accumulate(gain)
    reached = [w for w, g in zip(words, gain, strict=True) if g >= MIN_CONFIDENCE]
    min_words = reached[0] if reached else words[-1]
    # Anchor the curve: no confidence without text; full confidence at an essay's first window.
    return [0, *words, 200], [0.0, *map(float, gain), 1.0], min_words


def main() -> None:
    words, accuracy, full, majority = learning_curve()
    print("Learning curve (essays, first N words, mean accuracy over the five traits, %):\n")
    print("| words | " + " | ".join(map(str, words)) + " | first window (~200) | majority |")
    print("|---" * (len(words) + 3) + "|")
    cells = " | ".join(f"{a:.1f}" for a in accuracy)
    print(f"| accuracy | {cells} | {full:.1f} | {majority:.1f} |")
    curve_words, curve_conf, min_words = confidence_curve(words, accuracy, full, majority)
    print(f"\nconfidence curve {dict(zip(curve_words, np.round(curve_conf, 3), strict=True))}")
    print(f"minimum words: {min_words}")

    data = load_essays()
    x = essay_embeddings()
    coef, intercept, chosen = [], [], {}
    scaler = None
    for j, trait in enumerate(TRAIT_IDS):
        scaler, model = fit_dense(x, data.labels[:, j])
        coef.append(model.coef_[0].tolist())
        intercept.append(float(model.intercept_[0]))
        chosen[trait] = float(model.C_[0])
    assert scaler is not None
    artifact = {
        "traits": list(TRAIT_IDS),
        "features": "all-MiniLM-L6-v2 mean-pooled, L2-normalised embedding of the cleaned captions",
        "trained_on": "Pennebaker & King essays (2,467), first 254 word pieces of each",
        "trained_at": datetime.now(UTC).strftime("%Y-%m-%d"),
        "C": chosen,
        "mean": scaler.mean_.tolist(),
        "scale": scaler.scale_.tolist(),
        "coef": coef,
        "intercept": intercept,
        "min_words": min_words,
        "confidence_curve": {"words": curve_words, "confidence": curve_conf},
    }
    MODEL_PATH.write_text(json.dumps(artifact, separators=(",", ":")), encoding="utf-8")
    print(
        f"\nwrote {MODEL_PATH} ({MODEL_PATH.stat().st_size / 1024:.0f} KiB), C per trait {chosen}"
    )


if __name__ == "__main__":
    main()
