"""Big Five personality from a profile's captions (see analyzers/models/PERSONALITY.md).

The captions become English-like prose (analyzers/captions.py: hashtags split into words, mentions
and URLs dropped, emoji named) and are scored by models trained on the Pennebaker & King
essays (the best of the measured combinations, see the card). Three base models each give one
logit per trait:

- `tfidf`: word 1-2-gram + character 2-5-gram TF-IDF, logistic regression;
- `nblr`: NB-LR (Wang & Manning 2012): the same terms' presence scaled by their naive-Bayes
  log-count ratio for the trait, logistic regression;
- `lexicon`: VADER sentiment + Empath categories, standardised, logistic regression;

and the artifact's `combiner` turns the three logits into P(high): "mean", the plain mean of the
three probabilities, or "stack", a second-level logistic regression per trait. When the artifact
has a social-media recalibration (a logistic regression per trait, fitted on Facebook writers),
it is applied last, on logit P and, when the artifact has one, on the logit of a `writers` model
(the same kind of TF-IDF logistic regression, trained on those writers' posts). A score is
that probability, the writer's lean towards the "high" group of the trait; it is not a
percentile of the population. Traits listed as `weak_traits` showed no measured signal on
social-media text; reports say so. Below `min_words` of English text, or when the captions are
not English, there are no scores and `reason` says why.

The artifact is one .npz of plain arrays (vocabularies as unicode arrays, idf, ratios, weights)
plus a JSON of metadata; no pickled scikit-learn object is involved.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any, ClassVar

import numpy as np
from empath import Empath
from scipy import sparse
from sklearn.feature_extraction.text import TfidfVectorizer
from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

from analyzers.captions import count_words, detect_language, profile_text
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


BASE_MODELS = ("tfidf", "nblr", "lexicon")
"""The base models, in the order of the second level's weights."""
COMBINERS = ("mean", "stack")
"""How the base logits become P(high): the mean of the base probabilities, or the second level."""
VADER_KEYS = ("neg", "neu", "pos", "compound")
PROBABILITY_FLOOR = 1e-6
LOGIT_LIMIT = float(np.log((1 - PROBABILITY_FLOOR) / PROBABILITY_FLOOR))
"""Base logits are clipped here, as the probabilities were clipped when the stack was trained."""


def logit(p: np.ndarray) -> np.ndarray:
    """log(p / (1 - p)) of probabilities clipped to PROBABILITY_FLOOR..1 - PROBABILITY_FLOOR
    (training's second level and recalibration read probabilities this way too)."""
    p = np.clip(p, PROBABILITY_FLOOR, 1 - PROBABILITY_FLOOR)
    return np.asarray(np.log(p / (1 - p)))


def lexicon_features(texts: Sequence[str]) -> np.ndarray:
    """(n, 4 + 194): VADER neg/neu/pos/compound of the whole text, then Empath's category
    shares (normalised by the number of words), in `lexicon_names()` order."""
    rows = []
    for text in texts:
        vader = _vader().polarity_scores(text)
        empath = _empath().analyze(text, normalize=True) or {}
        rows.append([vader[k] for k in VADER_KEYS] + list(empath.values()))
    return np.nan_to_num(np.array(rows, dtype=np.float64))


def lexicon_names() -> list[str]:
    return [f"vader_{k}" for k in VADER_KEYS] + list(_empath().cats)


@cache
def _vader() -> SentimentIntensityAnalyzer:
    return SentimentIntensityAnalyzer()


@cache
def _empath() -> Empath:
    return Empath()


@dataclass(frozen=True)
class Linear:
    """One logistic regression per trait on (optionally standardised) features."""

    coef: np.ndarray
    """(5, features), TRAIT_IDS order."""
    intercept: np.ndarray
    mean: np.ndarray | None = None
    scale: np.ndarray | None = None

    def logits(self, x: np.ndarray | sparse.csr_matrix) -> np.ndarray:
        if self.mean is not None and self.scale is not None:
            x = (np.asarray(x) - self.mean) / self.scale
        return np.asarray(x @ self.coef.T) + self.intercept


@dataclass(frozen=True)
class WriterModel:
    """TF-IDF logistic regression per trait trained on Facebook writers' posts (its own
    vocabulary); its logit is the recalibration's second input."""

    word: TfidfVectorizer
    char: TfidfVectorizer
    linear: Linear

    @classmethod
    def from_arrays(cls, arrays: dict[str, np.ndarray]) -> WriterModel:
        word = _vectorizer(WORD_TFIDF, arrays["writers_word_terms"], arrays["writers_word_idf"])
        char = _vectorizer(CHAR_TFIDF, arrays["writers_char_terms"], arrays["writers_char_idf"])
        linear = _linear(arrays, "writers")
        if linear.coef.shape != (len(TRAIT_IDS), len(word.idf_) + len(char.idf_)):
            raise ValueError("the writers model's weights do not fit its vocabularies")
        return cls(word, char, linear)

    def logits(self, texts: Sequence[str]) -> np.ndarray:
        """(n, 5) logits."""
        return self.linear.logits(tfidf_features(self.word, self.char, texts))


@dataclass(frozen=True)
class PersonalityModel:
    """The shipped artifact: vocabularies, the three base models, the second level, the curve."""

    word: TfidfVectorizer
    char: TfidfVectorizer
    tfidf: Linear
    nb_ratio: np.ndarray
    """(5, features): each trait's log-count ratio of the (binary) terms."""
    nblr: Linear
    lexicon: Linear
    combiner: str
    meta: Linear | None
    """(5, 3): per trait, the weights of the three base logits (BASE_MODELS order); only for
    the "stack" combiner."""
    social: Linear | None
    """Per trait, the recalibration to social-media writers, or None: (5, 1) weights of logit P,
    or (5, 2) weights of logit P and the writers model's logit."""
    writers: WriterModel | None
    weak_traits: tuple[str, ...]
    typical: dict[str, float] | None
    """The share of "high" writers the recalibration was fitted on, per trait (None without
    a recalibration: the essays are split about evenly)."""
    min_words: int
    curve_words: np.ndarray
    curve_confidence: np.ndarray

    @classmethod
    def load(cls, path: Path = MODEL_PATH) -> PersonalityModel:
        meta = json.loads(path.read_text(encoding="utf-8"))
        with np.load(path.parent / meta["arrays"]) as a:
            arrays = {k: a[k] for k in a.files}
        return cls.from_arrays(meta, arrays)

    @classmethod
    def from_arrays(cls, meta: dict[str, Any], arrays: dict[str, np.ndarray]) -> PersonalityModel:
        """The model from the JSON metadata and the .npz arrays (training builds fold models
        this way too)."""
        if tuple(meta["traits"]) != TRAIT_IDS or tuple(meta["base_models"]) != BASE_MODELS:
            raise ValueError(f"the artifact lists {meta['traits']} / {meta['base_models']}")
        if meta["combiner"] not in COMBINERS:
            raise ValueError(f"unknown combiner {meta['combiner']!r}")
        word = _vectorizer(WORD_TFIDF, arrays["word_terms"], arrays["word_idf"])
        char = _vectorizer(CHAR_TFIDF, arrays["char_terms"], arrays["char_idf"])
        if list(arrays["lexicon_names"]) != lexicon_names():
            raise ValueError("the artifact's lexicon features differ from the installed Empath")
        shape = (len(TRAIT_IDS), len(word.idf_) + len(char.idf_))
        if {arrays[k].shape for k in ("tfidf_coef", "nb_ratio", "nblr_coef")} != {shape}:
            raise ValueError("the artifact's weights do not fit its vocabularies")
        curve = meta["confidence_curve"]
        social = _linear(arrays, "social") if "social_coef" in arrays else None
        writers = WriterModel.from_arrays(arrays) if "writers_coef" in arrays else None
        if social is not None and social.coef.shape[1] != 1 + (writers is not None):
            raise ValueError("the recalibration's inputs do not match the artifact's models")
        return cls(
            word=word,
            char=char,
            tfidf=_linear(arrays, "tfidf"),
            nb_ratio=arrays["nb_ratio"].astype(np.float64),
            nblr=_linear(arrays, "nblr"),
            lexicon=_linear(arrays, "lexicon"),
            combiner=meta["combiner"],
            meta=_linear(arrays, "meta") if meta["combiner"] == "stack" else None,
            social=social,
            writers=writers,
            weak_traits=tuple(meta.get("weak_traits", ())),
            typical=meta.get("typical"),
            min_words=int(meta["min_words"]),
            curve_words=np.asarray(curve["words"], dtype=float),
            curve_confidence=np.asarray(curve["confidence"], dtype=float),
        )

    def features(self, texts: Sequence[str]) -> sparse.csr_matrix:
        """TF-IDF features: word block (len(word.idf_) columns), then character block."""
        return tfidf_features(self.word, self.char, texts)

    def base_logits(self, texts: Sequence[str]) -> np.ndarray:
        """(n, 5 traits, 3 base models) logits, clipped to +-LOGIT_LIMIT."""
        x = self.features(texts)
        binary = x.copy()
        binary.data[:] = 1.0
        z = [
            self.tfidf.logits(x),
            nb_logits(binary, self.nb_ratio, self.nblr, len(self.word.idf_)),
            self.lexicon.logits(lexicon_features(texts)),
        ]
        return np.clip(np.stack(z, axis=-1), -LOGIT_LIMIT, LOGIT_LIMIT)

    def essay_probabilities(self, texts: Sequence[str]) -> np.ndarray:
        """P(high) as learnt on the essays, before any social-media recalibration, (n, 5)."""
        z = self.base_logits(texts)
        if self.meta is None:
            return np.asarray(_sigmoid(z).mean(-1))
        return _sigmoid((z * self.meta.coef).sum(-1) + self.meta.intercept)

    def predict(self, texts: Sequence[str]) -> np.ndarray:
        """P(high), (n, 5 traits in TRAIT_IDS order)."""
        p = self.essay_probabilities(texts)
        if self.social is None:
            return p
        inputs = [logit(p)] + ([] if self.writers is None else [self.writers.logits(texts)])
        z = np.stack(inputs, axis=-1)  # (n, 5 traits, inputs)
        return _sigmoid((z * self.social.coef).sum(-1) + self.social.intercept)

    def probabilities(self, text: str) -> np.ndarray:
        """P(high) per trait for one text (TRAIT_IDS order)."""
        return np.asarray(self.predict([text])[0], dtype=float)

    def confidence(self, words: int) -> float:
        """The learning curve's share of the full-text accuracy gain reached at `words` words."""
        return float(np.interp(words, self.curve_words, self.curve_confidence))


def tfidf_features(
    word: TfidfVectorizer, char: TfidfVectorizer, texts: Sequence[str]
) -> sparse.csr_matrix:
    """The word block (len(word.idf_) columns), then the character block."""
    return sparse.hstack([word.transform(texts), char.transform(texts)]).tocsr()


def _sigmoid(z: np.ndarray) -> np.ndarray:
    return np.asarray(1.0 / (1.0 + np.exp(-z)))


def nb_logits(
    binary: sparse.csr_matrix, ratio: np.ndarray, model: Linear, split: int
) -> np.ndarray:
    """NB-LR logits, (n, 5): per trait, the binary terms times the trait's ratio, each block
    (columns < split: words, the rest: characters) L2-normalised, through `model`."""
    z = np.zeros((binary.shape[0], ratio.shape[0]))
    for block in (slice(0, split), slice(split, ratio.shape[1])):
        x, r = binary[:, block], ratio[:, block]
        norms = np.sqrt(np.asarray(x @ (r**2).T))
        dots = np.asarray(x @ (r * model.coef[:, block]).T)
        z += np.divide(dots, norms, out=np.zeros_like(dots), where=norms > 0)
    return z + model.intercept


def _linear(arrays: dict[str, np.ndarray], name: str) -> Linear:
    def get(key: str) -> np.ndarray | None:
        value = arrays.get(f"{name}_{key}")
        return None if value is None else value.astype(np.float64)

    coef, intercept = get("coef"), get("intercept")
    if coef is None or intercept is None:
        raise KeyError(f"{name}_coef")
    return Linear(coef, intercept, get("mean"), get("scale"))


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
        confidence = round(self.model.confidence(words), 3)
        return PersonalityResult(
            scores, confidence, None, words, "en", self.model.weak_traits, self.model.typical
        )


def _is_english_or_short(line: str) -> bool:
    """Keep a caption unless it is long enough to judge and clearly another language."""
    if sum(ch.isalpha() for ch in line) < MIN_LETTERS_PER_CAPTION_CHECK:
        return True
    return detect_language(line) in (SUPPORTED_LANGUAGE, None)
