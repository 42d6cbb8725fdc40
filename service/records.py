"""What of an analysis is stored: the rows the repositories write (derived features only)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import numpy as np

from analyzers.types import ProfileAnalysis
from storage.repositories.profiles import PostRow, ProfileRow


def _post_features(post_json: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in post_json.items() if k not in ("caption", "shortcode", "taken_at")}


def profile_rows(
    analysis: ProfileAnalysis, report: dict[str, Any], now: datetime
) -> tuple[ProfileRow, list[PostRow]]:
    """The profile's row and its posts' rows (one float16 embedding each, no pixels)."""
    profile = ProfileRow(
        analysis.username,
        analysis.full_name,
        analysis.followers,
        analysis.followees,
        analysis.fetched_at,
    )
    posts = []
    for post, post_report in zip(analysis.posts, report["posts"], strict=True):
        vision = post.photos[0].vision if post.photos else None
        posts.append(
            PostRow(
                shortcode=post.shortcode,
                taken_at=post.taken_at,
                likes=post.likes,
                comments=post.comments,
                caption=post.text.caption,
                is_video=post.is_video,
                features={**_post_features(post_report), "popularity_features": post.features},
                embedding=(
                    vision.embedding.astype(np.float16).tobytes() if vision is not None else None
                ),
            )
        )
    return profile, posts
