"""Human names for the ids of analyzers/types.py, shared by the texts and the charts."""

from __future__ import annotations

from collections.abc import Sequence

from analyzers.types import MOOD_STYLE_IDS
from reports import palette

STYLE_NAMES: dict[str, str] = {
    "adventure": "Adventure",
    "cute_animals": "Cute animals",
    "studying": "Studying",
    "party": "Party",
    "colorful_sky": "Colourful sky",
    "night_view": "Night view",
    "sports": "Sports",
    "depressed": "Gloomy",
    "lonely": "Lonely",
    "selfie": "Selfie",
    "architecture": "Architecture",
    "food": "Food",
    "illustration": "Illustration",
    "other": "Other (fits none of the styles)",
}

TRAIT_NAMES: dict[str, str] = {
    "openness": "Openness",
    "conscientiousness": "Conscientiousness",
    "extraversion": "Extraversion",
    "agreeableness": "Agreeableness",
    "neuroticism": "Neuroticism",
}

EMOTION_NAMES: dict[str, str] = {
    "angry": "Angry",
    "disgust": "Disgusted",
    "fear": "Afraid",
    "happy": "Happy",
    "sad": "Sad",
    "surprise": "Surprised",
    "neutral": "Neutral",
}

ANALYZER_NAMES: dict[str, str] = {
    "vision": "Image recognition",
    "style": "Photo style",
    "faces": "Faces and emotions",
    "personality": "Personality",
    "habits": "Habits",
    "popularity": "Popularity",
    "content": "Photo content",
    "portrait": "Portrait",
}

MOOD_LABEL = "photo mood"
MOOD_NOTE = f"{MOOD_LABEL}, not a diagnosis"
"""Said next to every mood style (depressed, lonely): it describes a photo, not a person."""
PERSONALITY_CAVEAT = "A rough guess from captions, not a psychological test."
"""Said next to every personality result, in the text and on the chart."""
WEAK_TRAIT_NOTE = "* On social-media posts no better than guessing the most common answer."
"""The footnote of the traits (starred) the model card found uninformative on social-media
text, in the text and on the chart."""


def humanize(identifier: str) -> str:
    """'night_owl' -> 'Night owl': a readable fallback for ids without a curated name."""
    words = identifier.replace("_", " ").strip()
    return words[:1].upper() + words[1:]


def style_name(style_id: str) -> str:
    return STYLE_NAMES.get(style_id) or humanize(style_id)


def trait_name(trait_id: str) -> str:
    return TRAIT_NAMES.get(trait_id) or humanize(trait_id)


def emotion_name(emotion_id: str) -> str:
    return EMOTION_NAMES.get(emotion_id) or humanize(emotion_id)


def analyzer_name(name: str) -> str:
    return ANALYZER_NAMES.get(name) or humanize(name)


def style_words(style_id: str) -> str:
    """A style's name in running text ("food", "gloomy (photo mood)"): charts and buttons.

    Here, not beside the charts, so a handler names a style without importing matplotlib."""
    name = style_name(style_id).lower()
    return f"{name} ({MOOD_LABEL})" if style_id in MOOD_STYLE_IDS else name


def style_bar_parts(
    items: Sequence[tuple[str, float]],
) -> tuple[list[tuple[str, float]], list[str], list[bool]]:
    """What a chart's bars of (style id, share) show, whichever library draws them: each bar's
    label (a photo mood marked on a second line), its colour and whether it is hatched (mood
    styles differ in more than colour)."""
    labelled = [
        (f"{style_name(s)}\n({MOOD_LABEL})" if s in MOOD_STYLE_IDS else style_name(s), share)
        for s, share in items
    ]
    colours = [palette.MOOD if s in MOOD_STYLE_IDS else palette.ACCENT for s, _ in items]
    return labelled, colours, [s in MOOD_STYLE_IDS for s, _ in items]
