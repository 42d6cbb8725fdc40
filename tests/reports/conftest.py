"""Hand-built, realistic analysis results for the report tests (no model runs here)."""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import numpy as np
import pytest
from skimage import data

from analyzers.types import (
    EMOTION_IDS,
    STYLE_IDS,
    AlbumAnalysis,
    DecodedImage,
    Face,
    FacesResult,
    Habit,
    HabitsResult,
    PersonalityResult,
    PhotoAnalysis,
    PopularityResult,
    Pose,
    PostAnalysis,
    PostText,
    ProfileAnalysis,
    StyleResult,
)

HOSTILE = '<script>alert("x")</script> Tom & Jerry <b>bold?</b> &amp; $\\frac{1}{0}$'


def decoded(pixels: np.ndarray) -> DecodedImage:
    height, width = pixels.shape[:2]
    return DecodedImage(pixels=pixels, original_size=(width, height), format="JPEG")


def style_result(top: str, confidence: float, rng: random.Random) -> StyleResult:
    rest = [rng.random() for _ in STYLE_IDS]
    total = sum(rest)
    scores = {s: (1 - confidence) * r / total for s, r in zip(STYLE_IDS, rest, strict=True)}
    scores[top] += confidence
    best = max(scores, key=scores.__getitem__)
    return StyleResult(
        scores=scores, top=best, confidence=scores[best], evidence=["seashore", "#sunset"]
    )


def popularity(score: float, **changes: object) -> PopularityResult:
    result = PopularityResult(
        score=score,
        band=(max(0.0, score - 0.12), min(1.0, score + 0.1)),
        basis="personal",
        reliability="on your last 24 posts it ranked likes at Spearman 0.41",
        reasons_for=["a clear, well-lit face", "warm colours"],
        reasons_against=["busy background"],
        suggestion="Try a plainer background.",
    )
    return replace(result, **changes)  # type: ignore[arg-type]


def selfie(**changes: object) -> PhotoAnalysis:
    rng = random.Random(3)
    emotions = dict.fromkeys(EMOTION_IDS, 0.01)
    emotions.update(happy=0.83, neutral=0.1, surprise=0.02)
    photo = PhotoAnalysis(
        image=decoded(data.astronaut()),
        style=style_result("selfie", 0.62, rng),
        faces=FacesResult(
            faces=[
                Face(box=(168, 42, 124, 150), detection_score=0.98, emotions=emotions),
                Face(box=(420, 300, 40, 46), detection_score=0.61, emotions={}),
            ],
            pose=Pose(posture="standing", arms_raised=False, framing="half_body"),
        ),
        popularity=popularity(0.64),
    )
    return replace(photo, **changes)  # type: ignore[arg-type]


PROFILE_STYLES = ["night_view"] * 7 + ["food"] * 5 + ["cute_animals"] * 4 + ["selfie"] * 3
PROFILE_STYLES += ["colorful_sky", "architecture", "lonely", "party", "adventure"]


def profile(**changes: object) -> ProfileAnalysis:
    """24 posts over three months by a night-view and food account with 5,400 followers."""
    rng = random.Random(7)
    start = datetime(2026, 8, 20, 18, tzinfo=UTC)
    pixels = np.zeros((8, 8, 3), dtype=np.uint8)
    posts = []
    for i, top in enumerate(PROFILE_STYLES):
        taken = start + timedelta(days=i * 3.8 + rng.random(), hours=rng.randint(0, 5))
        is_video = i % 7 == 3
        style = style_result(top, 0.7, rng)
        posts.append(
            PostAnalysis(
                shortcode=f"C{i:03d}xYz",
                taken_at=taken,
                likes=int(rng.gauss(260 if top != "cute_animals" else 420, 60)),
                comments=rng.randint(3, 30),
                is_video=is_video,
                text=PostText(caption=f"post {i} " + (HOSTILE if i == 5 else "city lights #night")),
                photos=[] if is_video else [PhotoAnalysis(image=decoded(pixels), style=style)],
                popularity=popularity(rng.random()) if not is_video else None,
            )
        )
    posts.reverse()  # newest first
    counts: dict[str, float] = {}
    for top in PROFILE_STYLES:
        counts[top] = counts.get(top, 0) + 1 / len(PROFILE_STYLES)
    hours = [0] * 24
    for post in posts:
        hours[post.taken_at.hour] += 1
    result = ProfileAnalysis(
        username="night.owl_eats",
        full_name="Mia <Night> & Co",
        followers=5400,
        followees=310,
        fetched_at=datetime(2026, 11, 23, 5, tzinfo=UTC),
        posts=posts,
        style_shares=counts,
        personality=PersonalityResult(
            scores={
                "openness": 0.78,
                "conscientiousness": 0.41,
                "extraversion": 0.66,
                "agreeableness": 0.55,
                "neuroticism": 0.22,
            },
            confidence=0.35,
            words=1240,
            language="en",
        ),
        habits=HabitsResult(
            habits=[
                Habit("night_owl", 0.82, ["17 of 24 posts between 20:00 and 02:00"]),
                Habit("regular poster", 0.55, ["a post every 3.8 days on average"]),
                Habit("hashtag_lover", 0.31, ["6.2 hashtags per caption"]),
            ],
            posting_hours=hours,
        ),
        unavailable={"faces": "the emotion model <fer> failed to load"},
    )
    return replace(result, **changes)  # type: ignore[arg-type]


def album() -> AlbumAnalysis:
    images = [
        data.chelsea(),
        data.astronaut(),
        data.coffee(),
        data.chelsea()[:, ::-1],
        data.rocket(),
    ]
    scores = [0.58, 0.71, 0.44, 0.55, 0.36]
    photos = [
        PhotoAnalysis(image=decoded(np.ascontiguousarray(p)), popularity=popularity(s))
        for p, s in zip(images, scores, strict=True)
    ]
    return AlbumAnalysis(
        photos=photos,
        ranking=[1, 0, 2, 3, 4],
        groups=[[0, 3], [1], [2], [4]],
        reasons={
            1: "a clear face & bright colours",
            0: "sharp, <cute> cat; best of its pair",
            2: "calm, but a little dark",
            3: "near-duplicate of photo 1",
            4: "the subject is small",
        },
    )


@pytest.fixture
def make_profile() -> Callable[..., ProfileAnalysis]:
    return profile


@pytest.fixture
def make_selfie() -> Callable[..., PhotoAnalysis]:
    return selfie


@pytest.fixture
def sample_album() -> AlbumAnalysis:
    return album()
