"""Profiles and their posts (derived features only), stored with the analysis that read them."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select

from storage.database import Database, retry_on_conflict
from storage.models import Post, Profile
from storage.repositories.analyses import AnalysisRecord, add_analysis


@dataclass(frozen=True)
class ProfileRow:
    """What is kept about an Instagram profile."""

    username: str
    full_name: str | None
    followers: int | None
    followees: int | None
    fetched_at: datetime


@dataclass(frozen=True)
class PostRow:
    """What is kept about a post: numbers and derived features, the caption, one embedding."""

    shortcode: str
    taken_at: datetime
    likes: int
    comments: int
    caption: str
    is_video: bool
    features: dict[str, Any]
    embedding: bytes | None


class ProfilesRepository:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def save_analysis(
        self, profile: ProfileRow, posts: Sequence[PostRow], analysis: AnalysisRecord
    ) -> int:
        """Upsert the profile and its posts, store the analysis, in one transaction; its id."""
        return await retry_on_conflict(lambda: self._save(profile, posts, analysis))

    async def _save(
        self, fetched: ProfileRow, posts: Sequence[PostRow], analysis: AnalysisRecord
    ) -> int:
        async with self.db.session() as session:
            profile = await session.scalar(
                select(Profile).where(Profile.username == fetched.username)
            )
            if profile is None:
                profile = Profile(username=fetched.username)
                session.add(profile)
            profile.full_name = fetched.full_name
            profile.followers = fetched.followers
            profile.followees = fetched.followees
            profile.last_fetched_at = fetched.fetched_at
            await session.flush()
            existing = {
                p.shortcode: p
                for p in await session.scalars(
                    select(Post).where(Post.shortcode.in_([p.shortcode for p in posts]))
                )
            }
            for post in posts:
                row = existing.get(post.shortcode) or Post(shortcode=post.shortcode)
                row.profile_id = profile.id
                row.taken_at = post.taken_at
                row.likes = post.likes
                row.comments = post.comments
                row.caption = post.caption
                row.is_video = post.is_video
                row.features = post.features
                row.embedding = post.embedding
                row.fetched_at = analysis.created_at
                session.add(row)
            return await add_analysis(session, analysis, profile_id=profile.id)
