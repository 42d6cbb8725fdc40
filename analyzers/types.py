"""Typed inputs and results shared by every analyzer, the service and the reports.

Results are plain dataclasses made of JSON-friendly values (numpy arrays only where stated),
so the service can store them and `digbot analyze --json` can print them without translation.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import numpy as np

STYLE_IDS: tuple[str, ...] = (
    "adventure",
    "cute_animals",
    "studying",
    "party",
    "colorful_sky",
    "night_view",
    "sports",
    "depressed",
    "lonely",
    "selfie",
    "architecture",
    "food",
    "illustration",
)
"""The 13 photo styles of DESIGN.md, in a fixed order (the order of every score vector)."""

MOOD_STYLE_IDS: frozenset[str] = frozenset({"depressed", "lonely"})
"""Styles that describe a photo's mood, not its subject: shown only above a high confidence."""
OTHER_STYLE = "other"
"""The outcome of a photo that fits none of STYLE_IDS: a `StyleResult.top`, not a style."""
STYLE_OUTCOMES: tuple[str, ...] = (*STYLE_IDS, OTHER_STYLE)
"""What the vision model's style output and `StyleResult.scores` cover, in this order."""

TRAIT_IDS: tuple[str, ...] = (
    "openness",
    "conscientiousness",
    "extraversion",
    "agreeableness",
    "neuroticism",
)
"""The Big Five traits of DESIGN.md, in a fixed order."""

EMOTION_IDS: tuple[str, ...] = ("angry", "disgust", "fear", "happy", "sad", "surprise", "neutral")
"""The seven emotions of fer's model."""


class AnalyzerUnavailable(RuntimeError):
    """An analyzer cannot run (its model is missing or failed to load); the answer says so."""


@dataclass(frozen=True)
class DecodedImage:
    """One photo, decoded once and shared by every image analyzer.

    `pixels` is RGB uint8 of shape (height, width, 3), EXIF orientation applied, downscaled so
    that its longer side is at most the decoder's working size; `original_size` is the
    (width, height) of the file as sent.
    """

    pixels: np.ndarray
    original_size: tuple[int, int]
    format: str

    @property
    def width(self) -> int:
        return int(self.pixels.shape[1])

    @property
    def height(self) -> int:
        return int(self.pixels.shape[0])


@dataclass(frozen=True)
class PostText:
    """What a post says: its caption, hashtags and mentions (without '#'/'@', lower-case)."""

    caption: str = ""
    hashtags: tuple[str, ...] = ()
    mentions: tuple[str, ...] = ()


@dataclass
class PhotoContext:
    """Everything image analyzers may read about one photo, filled as they run in order.

    `results` maps an analyzer's name to its result; an analyzer that runs later (style)
    may read what an earlier one (vision backbone, faces) produced.
    """

    image: DecodedImage
    text: PostText | None = None
    results: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class VisionOutput:
    """One forward pass of the shared backbone."""

    embedding: np.ndarray
    """1,280 float32 numbers (global average pool of MobileNetV2)."""
    imagenet_top: list[tuple[str, float]]
    """The top ImageNet labels with their probabilities, best first."""
    style_probabilities: dict[str, float]
    """The image-only, calibrated style head: STYLE_OUTCOMES id -> probability (sums to 1)."""


@dataclass(frozen=True)
class StyleResult:
    scores: dict[str, float]
    """Style id -> probability, over STYLE_OUTCOMES (the styles and `other`), summing to 1."""
    top: str
    """The best style, or OTHER_STYLE when no style reaches the model's threshold."""
    confidence: float
    evidence: list[str] = field(default_factory=list)
    """Short human words for why (ImageNet labels, hashtags, 'one face close to the camera')."""


@dataclass(frozen=True)
class StyleExplanation:
    """Why a photo got a style: the occlusion heat map of analyzers/explain.py."""

    heat: np.ndarray
    """(height, width) float32 in 0..1 over the photo: how much each region supports the style."""
    probability: float
    """The image-only head's probability of the style on the whole photo: when it is low, the
    report's answer came from other cues (faces, hashtags, ImageNet labels) and the map says
    little."""
    seen: tuple[int, int, int]
    """(top, left, side) of the square of the photo the backbone sees; the rest is not looked at.
    With the padded view that is the whole photo: (0, 0, longer side)."""


@dataclass(frozen=True)
class Face:
    box: tuple[int, int, int, int]
    """(x, y, width, height) in pixels of the DecodedImage."""
    detection_score: float
    emotions: dict[str, float]
    """Emotion id -> probability (EMOTION_IDS), empty when the emotion model is unavailable."""

    @property
    def dominant_emotion(self) -> str | None:
        return max(self.emotions, key=self.emotions.__getitem__) if self.emotions else None


@dataclass(frozen=True)
class Pose:
    posture: str
    """'standing', 'sitting' or 'unknown'."""
    arms_raised: bool
    framing: str
    """'full_body', 'half_body' or 'portrait'."""


@dataclass(frozen=True)
class FacesResult:
    faces: list[Face]
    pose: Pose | None

    @property
    def main_face(self) -> Face | None:
        return max(self.faces, key=lambda f: f.box[2] * f.box[3]) if self.faces else None


@dataclass(frozen=True)
class PersonalityResult:
    scores: dict[str, float] | None
    """Trait id -> score in 0..1, or None when the text does not allow an answer."""
    confidence: float
    """0..1, grows with the amount of text."""
    reason: str | None = None
    """Why there are no scores ('not enough text to say', 'captions are not in English')."""
    words: int = 0
    language: str | None = None
    weak_traits: tuple[str, ...] = ()
    """Traits whose scores showed no measured signal on social-media text (model card)."""
    typical: dict[str, float] | None = None
    """The score of a typical writer per trait (the share of "high" writers the scores are
    calibrated to); None: 0.5."""


@dataclass(frozen=True)
class Habit:
    name: str
    strength: float
    """0..1"""
    evidence: list[str]


@dataclass(frozen=True)
class HabitsResult:
    habits: list[Habit]
    posting_hours: list[int]
    """24 counts of posts by local hour of day."""


def peak_hours(hours: Sequence[int], top: int = 3, min_posts: int = 2) -> list[int]:
    """The hours of `HabitsResult.posting_hours` that stand out (the habits analyzer names them,
    the reports mark them), in clock order: at most `top`, each with at least `min_posts`
    posts, and none picked over an hour with as many posts (a tie at the cut drops the tie)."""
    ranked = sorted(
        (h for h in range(len(hours)) if hours[h] >= min_posts), key=lambda h: -hours[h]
    )
    cut = hours[ranked[top]] if len(ranked) > top else 0
    return sorted(h for h in ranked[:top] if hours[h] > cut)


@dataclass(frozen=True)
class PhotoContent:
    """What is in one photo, in plain words (analyzers/content.py); None where it cannot tell.

    Counts people and reads what they wear and do; never who they are (no gender, age,
    ethnicity, health)."""

    setting: str | None
    """'indoor', 'outdoor' or None."""
    light: str | None
    """'day', 'night' or None (said only of outdoor photos)."""
    people: str | None
    """'none', 'one', 'couple' or 'group'; None when it cannot tell (a dropped tag)."""
    smiling: bool | None
    """Whether a counted face smiles; None when there is no face or no emotion model."""
    activities: tuple[str, ...] = ()
    """Among 'sport', 'eating', 'travelling', 'standing', 'sitting'."""
    objects: tuple[str, ...] = ()
    """Plain words of the confident ImageNet classes (analyzers/imagenet.py `looks_like`)."""
    outfit: tuple[str, ...] = ()
    """Outfit tags worn by a person in the frame (analyzers/content.py OUTFIT_CLASSES)."""


@dataclass(frozen=True)
class Statement:
    """One sentence of the portrait and the posts it rests on."""

    text: str
    kind: str
    """What it is about: 'subjects', 'people', 'places', 'activity', 'writing', 'interests',
    'engagement' or 'mood'."""
    posts: tuple[str, ...]
    """Shortcodes of the posts that show it."""
    of: int
    """How many posts were looked at (the 'of' in '5 of 12 posts')."""
    sensitive: bool = False
    """A mood or personality statement: hidden by `hide_sensitive_for_others`."""


@dataclass(frozen=True)
class Interest:
    category: str
    """An id of analyzers/models/interests.json."""
    name: str
    """The category's name for people ('food & drink')."""
    score: float
    """0..1: the share of the analysed posts that show it."""
    evidence: tuple[str, ...]
    """Short words for why: '4 food photos', '#foodie', 'habit coffee (3 posts)'."""
    posts: tuple[str, ...]
    """Shortcodes of the posts that show it."""
    products: tuple[str, ...]
    """Product and brand categories it suggests (never brand names)."""


@dataclass(frozen=True)
class Driver:
    """Whether posts with one readable feature get more likes on this account."""

    feature: str
    """'people', 'smiling', 'outdoor', 'night', 'outfit', 'food', 'sport', ..."""
    words: str
    """The feature in words for a sentence ('people in them')."""
    with_posts: int
    without_posts: int
    ratio: float | None
    """Median likes with the feature / median likes without; None when it cannot be computed."""
    p_value: float | None
    verdict: str
    """'more', 'fewer', 'no difference' or "can't tell yet"."""


@dataclass(frozen=True)
class PortraitResult:
    statements: list[Statement]
    interests: list[Interest]
    drivers: list[Driver] = field(default_factory=list)
    drivers_note: str = ""
    """Why there are no drivers ('only 7 posts with likes: at least 12 are needed'), or ''."""

    @property
    def text(self) -> str:
        return " ".join(s.text for s in self.statements)


@dataclass(frozen=True)
class PopularityResult:
    score: float
    """0..1, relative to the account (or to the general prior when there is no history)."""
    band: tuple[float, float]
    """A plausible range for the score."""
    basis: str
    """'personal' (the account's own model), 'prior' (general model) or 'none'."""
    reliability: str
    """A plain sentence on how far to trust it, e.g. 'on your last 24 posts ... Spearman 0.41'."""
    reasons_for: list[str] = field(default_factory=list)
    reasons_against: list[str] = field(default_factory=list)
    suggestion: str | None = None


@dataclass(frozen=True)
class PostInput:
    """One Instagram post as the profile analyzers see it."""

    shortcode: str
    taken_at: datetime
    likes: int
    comments: int
    text: PostText
    is_video: bool
    photos: list[PhotoContext]
    """The analysed photos of the post (a carousel has several; a video has its cover or none)."""


@dataclass(frozen=True)
class ProfileInput:
    username: str
    followers: int | None
    followees: int | None
    posts: list[PostInput]
    """Newest first."""
    results: dict[str, Any] = field(default_factory=dict)
    """Profile analyzers' results by name, filled as they run in order."""


# --- What the pipeline hands to reports, storage and the CLI -----------------------------------


@dataclass(frozen=True)
class PhotoAnalysis:
    """Every image analyzer's result for one photo; None where an analyzer is not available."""

    image: DecodedImage
    vision: VisionOutput | None = None
    style: StyleResult | None = None
    faces: FacesResult | None = None
    popularity: PopularityResult | None = None
    unavailable: dict[str, str] = field(default_factory=dict)
    """Analyzer name -> why it did not run."""
    content: PhotoContent | None = None


@dataclass(frozen=True)
class PostAnalysis:
    shortcode: str
    taken_at: datetime
    likes: int
    comments: int
    is_video: bool
    text: PostText
    photos: list[PhotoAnalysis]
    popularity: PopularityResult | None = None
    features: dict[str, float] = field(default_factory=dict)
    """The numbers the popularity model learns from (no pixels, no text): stored with the
    post's later likes so the general prior can be retrained from what the bot has seen."""

    @property
    def style(self) -> StyleResult | None:
        """The style of the post's first analysed photo (a carousel's cover)."""
        return next((p.style for p in self.photos if p.style is not None), None)

    @property
    def content(self) -> PhotoContent | None:
        """What is in the post's first analysed photo (a carousel's cover)."""
        return next((p.content for p in self.photos if p.content is not None), None)


@dataclass(frozen=True)
class ProfileAnalysis:
    username: str
    full_name: str | None
    followers: int | None
    followees: int | None
    fetched_at: datetime
    posts: list[PostAnalysis]
    """Newest first."""
    style_shares: dict[str, float]
    """Style id -> share of the analysed photo posts whose top style it is (sums to 1, or empty)."""
    personality: PersonalityResult | None
    habits: HabitsResult | None
    popularity: PopularityResult | None = None
    """The account's own engagement model: how far to trust its per-post scores, and why."""
    portrait: PortraitResult | None = None
    unavailable: dict[str, str] = field(default_factory=dict)
    """Analyzer name -> why it did not run."""


@dataclass(frozen=True)
class AlbumAnalysis:
    photos: list[PhotoAnalysis]
    """In the order they were sent."""
    ranking: list[int]
    """Indices into `photos`, best first."""
    groups: list[list[int]]
    """Near-duplicate groups (indices); the ranking's top picks come from different groups."""
    reasons: dict[int, str]
    """Index -> a short 'why' for the photo's place."""
