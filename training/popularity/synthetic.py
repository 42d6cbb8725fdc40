"""Synthetic-but-structured profiles: posts with analyzer results and likes from a known rule.

The rule: likes = base · food_factor^[top style is food] · exp(noise), noise ~ N(0, noise_sd²),
comments = 2 % of likes. Embeddings cluster by style (as a real backbone's do), so the personal
model can find the rule through the style scores or the embedding. Used by the learning curve
(personal_eval.py), the retraining test rows and the tests.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import numpy as np

from analyzers.types import (
    STYLE_IDS,
    DecodedImage,
    Face,
    FacesResult,
    PhotoContext,
    PostInput,
    PostText,
    ProfileInput,
    StyleResult,
    VisionOutput,
)
from training.popularity.prior_fit import Row, rows_from_account
from training.popularity.sources import Account

NOW = datetime(2026, 1, 1, 12, 0, tzinfo=UTC)
_WORDS = ("lovely", "day", "with", "friends", "new", "look", "sunset", "city", "dinner", "walk")
_CENTRES = np.abs(np.random.default_rng(1234).normal(0, 1, (len(STYLE_IDS), 1280)))


def synthetic_photo(rng: np.random.Generator, style: str, with_face: bool) -> PhotoContext:
    """A 48×48 photo whose results say `style`; a face (with a random smile) if asked."""
    k = STYLE_IDS.index(style)
    pixels = np.clip(rng.normal(rng.uniform(60, 190), 40, (48, 48, 3)), 0, 255).astype(np.uint8)
    embedding = np.clip(_CENTRES[k] + rng.normal(0, 0.6, 1280), 0, None).astype(np.float32)
    probs = rng.dirichlet(np.ones(len(STYLE_IDS)) * 0.3) * 0.3
    probs[k] += 0.7
    scores = {s: float(p) for s, p in zip(STYLE_IDS, probs, strict=True)}
    happy = float(rng.uniform())
    faces = (
        [Face((12, 8, 20, 22), 0.9, {"happy": happy, "neutral": 1 - happy})] if with_face else []
    )
    results = {
        "vision": VisionOutput(embedding, [], scores),
        "style": StyleResult(scores, style, scores[style]),
        "faces": FacesResult(faces, None),
    }
    return PhotoContext(DecodedImage(pixels, (48, 48), "JPEG"), None, results)


def synthetic_profile(
    seed: int,
    n_posts: int,
    food_factor: float = 2.0,
    noise_sd: float = 0.5,
    n_recent: int = 0,
    food_share: float = 0.3,
    now: datetime = NOW,
) -> tuple[ProfileInput, dict[str, float]]:
    """A profile of `n_posts` settled photo posts plus `n_recent` posts under a day old.

    Returns the profile (newest first) and every post's log-likes as drawn (noise included).
    """
    rng = np.random.default_rng(seed)
    posts, truth = [], {}
    others = [s for s in STYLE_IDS if s != "food"]
    for i in range(n_posts + n_recent):
        if i < n_recent:
            age = timedelta(hours=1 + 40 * i / n_recent)
        else:
            age = timedelta(days=3 + 1.5 * (i - n_recent))
        style = "food" if rng.uniform() < food_share else str(rng.choice(others))
        photo = synthetic_photo(rng, style, with_face=style in ("selfie", "party"))
        log_likes = np.log(200) + np.log(food_factor) * (style == "food") + rng.normal(0, noise_sd)
        likes = int(np.exp(log_likes))
        words = " ".join(rng.choice(_WORDS, size=int(rng.integers(2, 12))))
        tags = tuple(f"tag{j}" for j in range(int(rng.integers(0, 6))))
        code = f"s{seed}p{i:03d}"
        taken = (now - age).replace(microsecond=0)
        text = PostText(words, tags, ())
        posts.append(PostInput(code, taken, likes, likes // 50, text, False, [photo]))
        truth[code] = float(log_likes)
    return ProfileInput(f"synthetic{seed}", 5000, 100, posts), truth


def synthetic_rows(n_accounts: int, posts_per_account: int, seed: int = 0) -> list[Row]:
    """Export rows (prior_fit's schema) of synthetic accounts that all follow the food rule."""
    rows: list[Row] = []
    for k in range(n_accounts):
        profile, _ = synthetic_profile(seed * 1000 + k, posts_per_account, n_recent=2)
        account = Account(profile.username, 1000 * (k + 1), profile.posts, NOW, True, "synthetic")
        rows.extend(rows_from_account(account))
    return rows
