"""What the popularity models read: the engagement target and the features of posts and photos.

Everything here is a cheap, deterministic function of a post's counts, caption, date and the
results other analyzers left in `photo.results` ("vision", "style", "faces", "quality"). A
missing model result only removes its features (they read 0) and is listed by
`missing_signals` so that the answer can say which signals it lacked; the quality signals need
no model and are computed here when the quality analyzer did not run.

The feature dictionaries are JSON-able (no image bytes), so the service can store them per post
together with the real engagement it sees later; `training/popularity/retrain_prior.py`
retrains the general prior from such rows.
"""

from __future__ import annotations

import math
import re
from datetime import datetime
from functools import lru_cache
from pathlib import Path
from typing import Any

import emoji
import numpy as np

from analyzers import quality
from analyzers.quality import PhotoQuality
from analyzers.types import STYLE_IDS, FacesResult, PhotoContext, PostInput, StyleResult

COMMENT_WEIGHT = 3.0
"""w in log(likes + w·comments): a comment costs more effort than a like. Comments are typically
1–5 % of likes, so w = 3 moves the target little; it matters where likes are hidden."""

MIN_AGE_DAYS = 2.0
"""Posts younger than this are still gathering likes: never fitted on, flagged in answers."""

RECENT_WINDOW = 30
"""The account median is taken over this many newest eligible posts."""

PROJECTION_DIM = 16
_PROJECTION_PATH = Path(__file__).parents[1] / "models" / "popularity_projection.npy"

CAPTION_FEATURES: tuple[str, ...] = (
    "has_caption",
    "caption_chars_log",
    "caption_lines_log",
    "hashtags_log",
    "mentions_log",
    "emoji_log",
    "has_question",
    "has_exclamation",
    "has_url",
)
TIME_FEATURES: tuple[str, ...] = ("hour_sin", "hour_cos", "weekend")
PIXEL_FEATURES: tuple[str, ...] = (
    "sharpness",
    "brightness",
    "shadows_clipped",
    "highlights_clipped",
    "contrast",
    "colorfulness",
)
"""Fields of analyzers.quality.PhotoQuality, in its units (see there)."""
FACE_FEATURES: tuple[str, ...] = (
    "face_count_log",
    "face_area",
    "face_offcentre",
    "face_cut",
    "smile",
)
STYLE_FEATURES: tuple[str, ...] = tuple(f"style_{s}" for s in STYLE_IDS)
EMBEDDING_FEATURES: tuple[str, ...] = tuple(f"emb_{i}" for i in range(PROJECTION_DIM))

_URL = re.compile(r"https?://|www\.|\blink in bio\b", re.IGNORECASE)
_HASHTAG = re.compile(r"#(\w+)")
_MENTION = re.compile(r"@([\w.]+)")


# --- engagement target ------------------------------------------------------------------------


def log_engagement(likes: int, comments: int) -> float:
    """log(1 + likes + w·comments), the raw engagement on a log scale."""
    return math.log1p(max(likes, 0) + COMMENT_WEIGHT * max(comments, 0))


def engagement_rate(likes: int, comments: int, followers: int | None) -> float:
    """Log engagement minus log(followers) when the follower count is known."""
    base = log_engagement(likes, comments)
    return base - math.log(followers) if followers else base


def age_days(taken_at: datetime, now: datetime) -> float:
    return (now - taken_at).total_seconds() / 86400.0


def is_eligible(post: PostInput, now: datetime) -> bool:
    """A photo post old enough for its counts to have settled: the only kind models fit on."""
    return not post.is_video and age_days(post.taken_at, now) >= MIN_AGE_DAYS


def relative_targets(
    posts: list[PostInput], followers: int | None, now: datetime
) -> dict[str, float]:
    """Shortcode -> engagement relative to the account, for every eligible post.

    The target is log(likes + w·comments) − log(followers), minus its median over the account's
    RECENT_WINDOW newest eligible posts. Within one account the follower term cancels; it
    matters when rows of several accounts are pooled.
    """
    return relative_to_account(
        [
            (p.shortcode, p.taken_at, engagement_rate(p.likes, p.comments, followers))
            for p in posts
            if is_eligible(p, now)
        ]
    )


def relative_to_account(rates: list[tuple[str, datetime, float]]) -> dict[str, float]:
    """(key, taken_at, engagement rate) of one account's eligible posts -> rate minus the
    median rate of its RECENT_WINDOW newest posts."""
    if not rates:
        return {}
    newest = sorted(rates, key=lambda r: r[1], reverse=True)[:RECENT_WINDOW]
    median = float(np.median([rate for _, _, rate in newest]))
    return {key: rate - median for key, _, rate in rates}


# --- caption and time -------------------------------------------------------------------------


def caption_features(caption: str, hashtags: int = 0, mentions: int = 0) -> dict[str, float]:
    """Language-independent counts. Hashtags and mentions: the larger of the count given (from
    PostText) and the count found in the caption, which may or may not still contain them."""
    n_tags = max(hashtags, len(_HASHTAG.findall(caption)))
    n_mentions = max(mentions, len(_MENTION.findall(caption)))
    return {
        "has_caption": float(bool(caption.strip())),
        "caption_chars_log": math.log1p(len(caption)),
        "caption_lines_log": math.log1p(caption.count("\n")),
        "hashtags_log": math.log1p(n_tags),
        "mentions_log": math.log1p(n_mentions),
        "emoji_log": math.log1p(emoji.emoji_count(caption)),
        "has_question": float("?" in caption or "؟" in caption),
        "has_exclamation": float("!" in caption),
        "has_url": float(bool(_URL.search(caption))),
    }


def time_features(taken_at: datetime | None) -> dict[str, float]:
    """UTC hour on a circle and a weekend flag; all 0 (neutral) when the time is unknown."""
    if taken_at is None:
        return dict.fromkeys(TIME_FEATURES, 0.0)
    angle = 2 * math.pi * (taken_at.hour + taken_at.minute / 60) / 24
    return {
        "hour_sin": math.sin(angle),
        "hour_cos": math.cos(angle),
        "weekend": float(taken_at.weekday() >= 5),
    }


# --- photo ------------------------------------------------------------------------------------


def pixel_features(photo: PhotoContext) -> dict[str, float]:
    """Sharpness, exposure, contrast and colourfulness from the quality analyzer's result, or
    computed with its functions when it did not run (they are cheap and need no model)."""
    q = photo.results.get("quality")
    if not isinstance(q, PhotoQuality):
        pixels = photo.image.pixels
        luma = quality.luminance(pixels)
        brightness, shadows, highlights = quality.exposure(luma)
        q = PhotoQuality(
            sharpness=quality.sharpness_score(quality.laplacian_variance(pixels)),
            laplacian_variance=0.0,
            brightness=brightness,
            shadows_clipped=shadows,
            highlights_clipped=highlights,
            contrast=quality.rms_contrast(luma),
            colorfulness=quality.colorfulness(pixels),
        )
    return {name: float(getattr(q, name)) for name in PIXEL_FEATURES}


def face_features(faces: FacesResult, width: int, height: int) -> dict[str, float]:
    """The main face's share of the frame, its distance from the upper-centre, border cut, smile."""
    main = faces.main_face
    if main is None or width <= 0 or height <= 0:
        return dict.fromkeys(FACE_FEATURES, 0.0)
    x, y, w, h = main.box
    cx, cy = (x + w / 2) / width, (y + h / 2) / height
    cut = x <= 1 or y <= 1 or x + w >= width - 1 or y + h >= height - 1
    return {
        "face_count_log": math.log1p(len(faces.faces)),
        "face_area": float(min(w * h / (width * height), 1.0)),
        "face_offcentre": float(min(math.hypot(cx - 0.5, cy - 0.4) / 0.5, 1.0)),
        "face_cut": float(cut),
        "smile": float(main.emotions.get("happy", 0.0)),
    }


@lru_cache(maxsize=1)
def _projection() -> np.ndarray:
    """A fixed 1280×16 Gaussian projection (seed 0, committed as an artifact)."""
    return np.load(_PROJECTION_PATH)


def embedding_features(embedding: np.ndarray) -> dict[str, float]:
    """The L2-normalised embedding projected onto PROJECTION_DIM fixed directions."""
    vec = np.asarray(embedding, dtype=np.float32).ravel()
    norm = float(np.linalg.norm(vec))
    proj = (vec / norm if norm else vec) @ _projection()
    return {name: float(v) for name, v in zip(EMBEDDING_FEATURES, proj, strict=True)}


def missing_signals(photo: PhotoContext) -> list[str]:
    """Names of the analyzers whose results this photo lacks."""
    return [name for name in ("vision", "style", "faces") if photo.results.get(name) is None]


def photo_features(photo: PhotoContext) -> dict[str, float]:
    """Pixel, face, style and embedding features of one photo (0 where a signal is missing)."""
    feats = pixel_features(photo)
    faces = photo.results.get("faces")
    feats.update(
        face_features(faces, photo.image.width, photo.image.height)
        if isinstance(faces, FacesResult)
        else dict.fromkeys(FACE_FEATURES, 0.0)
    )
    style = photo.results.get("style")
    scores = style.scores if isinstance(style, StyleResult) else {}
    feats.update({f"style_{s}": float(scores.get(s, 0.0)) for s in STYLE_IDS})
    vision = photo.results.get("vision")
    embedding = getattr(vision, "embedding", None)
    feats.update(
        embedding_features(embedding)
        if embedding is not None
        else dict.fromkeys(EMBEDDING_FEATURES, 0.0)
    )
    return feats


def post_features(post: PostInput) -> dict[str, float]:
    """The features to store for an analysed post (its first photo's, caption and time).

    Together with the account, follower count, likes, comments and age at fetch time this is
    one training row of the general prior (see training/popularity/README.md).
    """
    feats = caption_features(post.text.caption, len(post.text.hashtags), len(post.text.mentions))
    feats.update(time_features(post.taken_at))
    feats["is_carousel"] = float(len(post.photos) > 1)
    if post.photos:
        feats.update(photo_features(post.photos[0]))
        feats["has_photo"] = 1.0
    else:
        feats["has_photo"] = 0.0
    return feats


# --- words for reasons ------------------------------------------------------------------------

_WORDS: dict[str, tuple[str, str, str]] = {
    # feature: (what the account's model says "do better", above usual, below usual)
    "has_caption": ("posts with a caption", "a caption", "no caption"),
    "caption_chars_log": ("longer captions", "a longer caption than usual", "a short caption"),
    "caption_lines_log": (
        "captions in several lines",
        "a caption in several lines",
        "a one-line caption",
    ),
    "hashtags_log": ("more hashtags", "more hashtags than usual", "few hashtags"),
    "mentions_log": ("mentioning other accounts", "mentions of other accounts", "no mentions"),
    "emoji_log": ("more emoji", "emoji in the caption", "few emoji"),
    "has_question": (
        "asking a question",
        "a question in the caption",
        "no question in the caption",
    ),
    "has_exclamation": ("exclamation marks", "an exclamation mark", "no exclamation mark"),
    "has_url": ("links in the caption", "a link in the caption", "no link in the caption"),
    "weekend": ("posting at weekends", "posted at a weekend", "posted on a weekday"),
    "is_carousel": ("carousels of several photos", "several photos in one post", "a single photo"),
    "sharpness": ("sharp photos", "a sharp photo", "a blurry photo"),
    "brightness": ("brighter photos", "a bright photo", "a dark photo"),
    "shadows_clipped": ("photos with black areas", "large black areas", "few black areas"),
    "highlights_clipped": ("washed-out highlights", "washed-out highlights", "no washed-out areas"),
    "contrast": ("more contrast", "strong contrast", "flat, low contrast"),
    "colorfulness": ("more colourful photos", "vivid colours", "dull colours"),
    "face_count_log": ("photos with people", "faces in the photo", "no faces"),
    "face_area": ("faces close to the camera", "a face close to the camera", "a face far away"),
    "face_offcentre": ("faces away from the centre", "the face off-centre", "the face centred"),
    "face_cut": ("faces cut by the edge", "the face cut by the frame", "the whole face in frame"),
    "smile": ("smiles", "a smile", "no smile"),
    "recency_days": ("older posts", "an older post", "a recent post"),
}


def describe(feature: str) -> tuple[str, str, str]:
    """(what does better, the post has more of it, the post has less of it) in plain words."""
    if feature in _WORDS:
        return _WORDS[feature]
    if feature.startswith("style_"):
        style = feature.removeprefix("style_").replace("_", " ")
        return f"{style} photos", f"a {style} photo", f"not a {style} photo"
    if feature in ("hour_sin", "hour_cos"):
        return "the posting hour", "a good posting hour", "a weak posting hour"
    return "a certain look of the photos", "this photo's look", "this photo's look"


def engagement_row(
    account: str, followers: int | None, post: PostInput, fetched_at: datetime
) -> dict[str, Any]:
    """One JSON-able row to store per analysed public post (the retraining schema).

    Store it when the post is analysed; when the profile is fetched again later, overwrite
    likes, comments and age_days with the newer counts. training/popularity/retrain_prior.py
    reads these rows as JSON lines.
    """
    return {
        "account": account,
        "shortcode": post.shortcode,
        "followers": followers,
        "likes": post.likes,
        "comments": post.comments,
        "taken_at": post.taken_at.isoformat(),
        "age_days": age_days(post.taken_at, fetched_at),
        "is_video": post.is_video,
        "features": post_features(post),
    }
