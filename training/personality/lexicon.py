"""Lexicon features of a text, for the comparison table.

- VADER sentiment (MIT) + the 194 Empath categories (MIT) are shippable, so they live in
  analyzers/personality.py (`lexicon_features`, part of the shipped stack).
- `nc_lexicon_features`: NRC EmoLex (10 emotions), NRC VAD (mean valence/arousal/dominance) and
  the WWBP Big Five top-100 lexicon (5 trait scores). NRC is non-commercial-only and WWBP is
  CC BY-NC-SA 3.0, so these appear only as an evaluation column, never in a shipped artifact.
"""

from __future__ import annotations

import csv
import json
import re
from collections import Counter
from collections.abc import Sequence
from functools import cache

import numpy as np

from training.personality.data import TRAIT_CODES, data_dir

_TOKEN_RE = re.compile(r"[a-z']+|[:;=][-']?[()dp]", re.IGNORECASE)
_WWBP_KEYS = {"openness": "O", "conscientiousness": "C", "extraversion": "E"}
_WWBP_KEYS |= {"agreeableness": "A", "neuroticism": "N"}


def _tokens(text: str) -> list[str]:
    return [t.lower() for t in _TOKEN_RE.findall(text)]


@cache
def _nrc() -> tuple[dict[str, np.ndarray], dict[str, np.ndarray]]:
    folder = data_dir() / "lexica"
    with (folder / "nrc_emotion_lexicon" / "Emotion_Lexicon.csv").open(encoding="utf-8") as f:
        rows = list(csv.reader(f))
    emolex = {r[0].lower(): np.array(r[1:11], dtype=float) for r in rows[1:]}
    with (folder / "nrc_vad_lexicon" / "NRC-VAD-Lexicon.txt").open(encoding="utf-8") as f:
        vad_rows = [line.rstrip("\n").split("\t") for line in f][1:]
    vad = {r[0].lower(): np.array(r[1:4], dtype=float) for r in vad_rows if len(r) == 4}
    return emolex, vad


@cache
def _wwbp() -> dict[str, dict[str, float]]:
    path = data_dir() / "lexica" / "wwbp_bigfive_top100" / "lexicon.json"
    return dict(json.loads(path.read_text(encoding="utf-8")))


def nc_lexicon_features(texts: Sequence[str]) -> np.ndarray:
    """(n, 10 + 3 + 5): EmoLex shares, mean VAD, WWBP scores (N flipped to neuroticism)."""
    emolex, vad = _nrc()
    wwbp = _wwbp()
    rows = []
    for text in texts:
        tokens = _tokens(text)
        total = max(1, len(tokens))
        grams = Counter(tokens)
        grams.update(" ".join(tokens[i : i + 2]) for i in range(len(tokens) - 1))
        grams.update(" ".join(tokens[i : i + 3]) for i in range(len(tokens) - 2))
        emo = sum((emolex[t] for t in tokens if t in emolex), np.zeros(10)) / total
        vads = [vad[t] for t in tokens if t in vad]
        mean_vad = np.mean(vads, axis=0) if vads else np.full(3, 0.5)
        traits = []
        for trait in TRAIT_CODES:
            weights = wwbp[_WWBP_KEYS[trait]]
            score = sum(w * grams[term] for term, w in weights.items()) / total
            traits.append(-score if trait == "neuroticism" else score)
        rows.append(np.concatenate([emo, mean_vad, traits]))
    return np.array(rows)
