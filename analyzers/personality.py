"""Big Five personality from a profile's captions (see analyzers/models/PERSONALITY.md).

The captions become English-like prose (analyzers/text.py: hashtags split into words, mentions
and URLs dropped, emoji named), are turned into word 1-2-gram and character 2-5-gram TF-IDF
features and scored by one logistic regression per trait trained on the Pennebaker & King
essays (the best of the measured models, see the card). A score is the model's probability
that the writer is in the essays' "high" group for the trait; it is not a percentile of the
population. Below `min_words` of English text, or when the captions are not English, there are
no scores and `reason` says why.

The artifact is one .npz of plain arrays (vocabularies as unicode arrays, idf, weights) plus a
JSON of metadata; it is read into scikit-learn vectorizers built with a fixed vocabulary, so
no pickled scikit-learn object is involved.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any, ClassVar

import numpy as np
from scipy import sparse
from sklearn.feature_extraction.text import TfidfVectorizer

from analyzers.text import count_words, detect_language, profile_text
from analyzers.types import TRAIT_IDS, AnalyzerUnavailable, PersonalityResult, ProfileInput

MODELS_DIR = Path(__file__).resolve().parent / "models"
MODEL_PATH = MODELS_DIR / "personality.json"
"""Metadata (traits, minimum words, confidence curve); the arrays are in the .npz beside it."""

WORD_TFIDF: dict[str, Any] = {"ngram_range": (1, 2), "sublinear_tf": True}
CHAR_TFIDF: dict[str, Any] = {"analyzer": "char_wb", "ngram_range": (2, 5), "sublinear_tf": True}
"""Vectorizer settings shared by training and run time (training adds vocabulary limits)."""

NOT_ENOUGH_TEXT = "not enough text to say"
SUPPORTED_LANGUAGE = "en"
MIN_LETTERS_PER_CAPTION_CHECK = 40
"""A caption this long is checked on its own; a non-English one is left out of a mixed profile."""

TRAIT_EXPLANATIONS: dict[str, str] = {
    "openness": "Openness is curiosity and a taste for new ideas, art and experiences.",
    "conscientiousness": "Conscientiousness is being organised, careful and keen to finish what "
    "one starts.",
    "extraversion": "Extraversion is drawing energy from other people, talk and activity.",
    "agreeableness": "Agreeableness is warmth, trust and a wish to get along with others.",
    "neuroticism": "Neuroticism is how easily one feels worry, stress and low moods.",
}
"""One plain sentence per trait, for reports."""

PERSONALITY_CAVEAT = (
    "These scores are a rough guess from the words in the captions by a model that is right "
    "about 6 times in 10 on essays it was tested on; they are not a psychological assessment or "
    "a diagnosis, and must not be used for hiring or any other decision about a person."
)
"""What the scores are not, for reports."""


@dataclass(frozen=True)
class PersonalityModel:
    """The shipped artifact: TF-IDF vocabularies, one logistic regression per trait, the curve."""

    word: TfidfVectorizer
    char: TfidfVectorizer
    coef: np.ndarray
    """(5, features), TRAIT_IDS order; word features first, then character features."""
    intercept: np.ndarray
    min_words: int
    curve_words: np.ndarray
    curve_confidence: np.ndarray

    @classmethod
    def load(cls, path: Path = MODEL_PATH) -> PersonalityModel:
        meta = json.loads(path.read_text(encoding="utf-8"))
        if tuple(meta["traits"]) != TRAIT_IDS:
            raise ValueError(f"{path} lists traits {meta['traits']}, expected {TRAIT_IDS}")
        with np.load(path.parent / meta["arrays"]) as arrays:
            word = _vectorizer(WORD_TFIDF, arrays["word_terms"], arrays["word_idf"])
            char = _vectorizer(CHAR_TFIDF, arrays["char_terms"], arrays["char_idf"])
            coef, intercept = arrays["coef"], arrays["intercept"]
        if coef.shape != (len(TRAIT_IDS), len(word.idf_) + len(char.idf_)):
            raise ValueError(f"{path}: weights of shape {coef.shape} do not fit the vocabularies")
        curve = meta["confidence_curve"]
        return cls(
            word=word,
            char=char,
            coef=coef.astype(np.float64),
            intercept=intercept.astype(np.float64),
            min_words=int(meta["min_words"]),
            curve_words=np.asarray(curve["words"], dtype=float),
            curve_confidence=np.asarray(curve["confidence"], dtype=float),
        )

    def features(self, texts: list[str]) -> sparse.csr_matrix:
        return sparse.hstack([self.word.transform(texts), self.char.transform(texts)]).tocsr()

    def probabilities(self, text: str) -> np.ndarray:
        """P(high) per trait for one text (TRAIT_IDS order)."""
        z = self.features([text]) @ self.coef.T + self.intercept
        return np.asarray(1.0 / (1.0 + np.exp(-z[0])), dtype=float)

    def confidence(self, words: int) -> float:
        """The learning curve's share of the full-text accuracy gain reached at `words` words."""
        return float(np.interp(words, self.curve_words, self.curve_confidence))


def _vectorizer(settings: dict[str, Any], terms: np.ndarray, idf: np.ndarray) -> TfidfVectorizer:
    vectorizer = TfidfVectorizer(**settings, vocabulary={t: i for i, t in enumerate(terms)})
    vectorizer.idf_ = idf.astype(np.float64)
    # The first transform stores the validated vocabulary on the object; do it here, once, so
    # that `analyze` only reads shared state when worker threads call it concurrently.
    vectorizer.transform([""])
    return vectorizer


class PersonalityAnalyzer:
    """Profile analyzer "personality": captions -> PersonalityResult."""

    name: ClassVar[str] = "personality"

    def __init__(self, model_path: Path = MODEL_PATH) -> None:
        try:
            self.model = PersonalityModel.load(model_path)
        except (OSError, ValueError, KeyError) as exc:
            raise AnalyzerUnavailable(f"personality model could not be loaded: {exc}") from exc

    def analyze(self, profile: ProfileInput) -> PersonalityResult:
        lines = [line for post in profile.posts if (line := profile_text([post.text]))]
        language = detect_language("\n".join(lines))
        if language is not None and language != SUPPORTED_LANGUAGE:
            return PersonalityResult(
                scores=None,
                confidence=0.0,
                reason=f"the captions are not in English (detected '{language}'); "
                "the personality model only reads English",
                words=count_words("\n".join(lines)),
                language=language,
            )
        english = "\n".join(line for line in lines if _is_english_or_short(line))
        words = count_words(english)
        if language is None or words < self.model.min_words:
            return PersonalityResult(None, 0.0, NOT_ENOUGH_TEXT, words, language)
        probabilities = self.model.probabilities(english)
        scores = {t: round(float(p), 4) for t, p in zip(TRAIT_IDS, probabilities, strict=True)}
        return PersonalityResult(scores, round(self.model.confidence(words), 3), None, words, "en")


def _is_english_or_short(line: str) -> bool:
    """Keep a caption unless it is long enough to judge and clearly another language."""
    if sum(ch.isalpha() for ch in line) < MIN_LETTERS_PER_CAPTION_CHECK:
        return True
    return detect_language(line) in (SUPPORTED_LANGUAGE, None)
