"""What the service writes to and reads from the database about profiles, posts and analyses."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import numpy as np
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from analyzers.types import ProfileAnalysis
from storage.database import Database, retry_on_conflict
from storage.models import Analysis, Post, Profile


def _post_features(post_json: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in post_json.items() if k not in ("caption", "shortcode", "taken_at")}


async def save_profile_analysis(
    db: Database,
    analysis: ProfileAnalysis,
    report: dict[str, Any],
    *,
    user_id: int | None,
    model_versions: dict[str, str],
    now: datetime,
) -> int:
    """Upsert the profile and its posts (derived features only), store the analysis; its id."""
    return await retry_on_conflict(
        lambda: _save_profile_analysis(db, analysis, report, user_id, model_versions, now)
    )


async def _save_profile_analysis(
    db: Database,
    analysis: ProfileAnalysis,
    report: dict[str, Any],
    user_id: int | None,
    model_versions: dict[str, str],
    now: datetime,
) -> int:
    async with db.session() as session:
        profile = await session.scalar(select(Profile).where(Profile.username == analysis.username))
        if profile is None:
            profile = Profile(username=analysis.username)
            session.add(profile)
        profile.full_name = analysis.full_name
        profile.followers = analysis.followers
        profile.followees = analysis.followees
        profile.last_fetched_at = analysis.fetched_at
        await session.flush()
        existing = {
            p.shortcode: p
            for p in await session.scalars(
                select(Post).where(Post.shortcode.in_([p.shortcode for p in analysis.posts]))
            )
        }
        for post, post_report in zip(analysis.posts, report["posts"], strict=True):
            row = existing.get(post.shortcode) or Post(shortcode=post.shortcode)
            row.profile_id = profile.id
            row.taken_at = post.taken_at
            row.likes = post.likes
            row.comments = post.comments
            row.caption = post.text.caption
            row.is_video = post.is_video
            row.features = {**_post_features(post_report), "popularity_features": post.features}
            vision = post.photos[0].vision if post.photos else None
            row.embedding = (
                vision.embedding.astype(np.float16).tobytes() if vision is not None else None
            )
            row.fetched_at = now
            session.add(row)
        result = {k: v for k, v in report.items() if k != "posts"}
        return await _add_analysis(
            session, "profile", result, user_id, model_versions, now, profile_id=profile.id
        )


async def save_upload_analysis(
    db: Database,
    kind: str,
    result: dict[str, Any],
    *,
    user_id: int | None,
    model_versions: dict[str, str],
    now: datetime,
) -> int:
    """Store a photo or album analysis (derived numbers only: the photos are never kept)."""
    async with db.session() as session:
        return await _add_analysis(session, kind, result, user_id, model_versions, now)


async def _add_analysis(
    session: AsyncSession,
    kind: str,
    result: dict[str, Any],
    user_id: int | None,
    model_versions: dict[str, str],
    now: datetime,
    profile_id: int | None = None,
) -> int:
    stored = Analysis(
        kind=kind,
        user_id=user_id,
        profile_id=profile_id,
        created_at=now,
        model_versions=model_versions,
        result=result,
    )
    session.add(stored)
    await session.flush()
    return stored.id
