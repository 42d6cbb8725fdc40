"""Big Five personality from a profile's captions (see analyzers/models/PERSONALITY.md).

The captions become English-like prose (analyzers/text.py: hashtags split into words, mentions
and URLs dropped, emoji named), are embedded with all-MiniLM-L6-v2 (analyzers/minilm.py) and
scored by one logistic regression per trait trained on the Pennebaker & King essays. A score is
the model's probability that the writer is in the essays' "high" half of the trait; it is not a
percentile of the population. Below `min_words` of English text, or when the captions are not
English, there are no scores and `reason` says why.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar

import numpy as np

from analyzers.text import count_words, detect_language, profile_text
from analyzers.types import TRAIT_IDS, AnalyzerUnavailable, PersonalityResult, ProfileInput

MODEL_PATH = Path(__file__).resolve().parent / "models" / "personality.json"

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
    """The shipped artifact: standardisation, one logistic regression per trait, the curve."""

    mean: np.ndarray
    scale: np.ndarray
    coef: np.ndarray
    """(5, d), TRAIT_IDS order."""
    intercept: np.ndarray
    min_words: int
    curve_words: np.ndarray
    curve_confidence: np.ndarray

    @classmethod
    def load(cls, path: Path = MODEL_PATH) -> PersonalityModel:
        data = json.loads(path.read_text(encoding="utf-8"))
        if tuple(data["traits"]) != TRAIT_IDS:
            raise ValueError(f"{path} lists traits {data['traits']}, expected {TRAIT_IDS}")
        curve = data["confidence_curve"]
        return cls(
            mean=np.asarray(data["mean"], dtype=np.float32),
            scale=np.asarray(data["scale"], dtype=np.float32),
            coef=np.asarray(data["coef"], dtype=np.float32),
            intercept=np.asarray(data["intercept"], dtype=np.float32),
            min_words=int(data["min_words"]),
            curve_words=np.asarray(curve["words"], dtype=float),
            curve_confidence=np.asarray(curve["confidence"], dtype=float),
        )

    def probabilities(self, features: np.ndarray) -> np.ndarray:
        """P(high) per trait for one feature vector."""
        z = self.coef @ ((features - self.mean) / self.scale) + self.intercept
        return np.asarray(1.0 / (1.0 + np.exp(-z)), dtype=float)

    def confidence(self, words: int) -> float:
        """The learning curve's share of the full-text accuracy gain reached at `words` words."""
        return float(np.interp(words, self.curve_words, self.curve_confidence))


class PersonalityAnalyzer:
    """Profile analyzer "personality": captions -> PersonalityResult."""

    name: ClassVar[str] = "personality"

    def __init__(self, model_path: Path = MODEL_PATH) -> None:
        try:
            self.model = PersonalityModel.load(model_path)
        except (OSError, ValueError, KeyError) as exc:
            raise AnalyzerUnavailable(f"personality model could not be loaded: {exc}") from exc
        try:
            from analyzers.minilm import MiniLM

            self.encoder = MiniLM()
        except (ImportError, OSError, KeyError) as exc:
            raise AnalyzerUnavailable(f"MiniLM sentence encoder is missing: {exc}") from exc

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
        probabilities = self.model.probabilities(self.encoder.embed([english])[0])
        scores = {t: round(float(p), 4) for t, p in zip(TRAIT_IDS, probabilities, strict=True)}
        return PersonalityResult(scores, round(self.model.confidence(words), 3), None, words, "en")


def _is_english_or_short(line: str) -> bool:
    """Keep a caption unless it is long enough to judge and clearly another language."""
    if sum(ch.isalpha() for ch in line) < MIN_LETTERS_PER_CAPTION_CHECK:
        return True
    return detect_language(line) in (SUPPORTED_LANGUAGE, None)
