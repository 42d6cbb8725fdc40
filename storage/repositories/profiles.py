"""Profiles and their posts (derived features only), stored with the analysis that read them."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from storage.database import Database
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


async def upsert_profile(db: Database, session: AsyncSession, username: str, **fields: Any) -> int:
    """The id of profile `username`, its row added if new, `fields` written either way.

    One INSERT … ON CONFLICT: two people following or analysing the same new profile at once
    both get its one row (PostgreSQL waits on the other's insert; SQLite has one writer).
    """
    statement = db.insert(Profile).values(username=username, **fields)
    statement = statement.on_conflict_do_update(
        index_elements=[Profile.username], set_=fields or {"username": username}
    )
    profile_id: int = (await session.execute(statement.returning(Profile.id))).scalar_one()
    return profile_id


class ProfilesRepository:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def save_analysis(
        self, profile: ProfileRow, posts: Sequence[PostRow], analysis: AnalysisRecord
    ) -> int:
        """Upsert the profile and its posts, store the analysis, in one transaction; its id."""
        async with self.db.session() as session:
            profile_id = await upsert_profile(
                self.db,
                session,
                profile.username,
                full_name=profile.full_name,
                followers=profile.followers,
                followees=profile.followees,
                last_fetched_at=profile.fetched_at,
            )
            if posts:
                # One row per shortcode: PostgreSQL refuses to upsert a row twice in a statement.
                rows = list(
                    {
                        post.shortcode: {
                            **asdict(post),
                            "profile_id": profile_id,
                            "fetched_at": analysis.created_at,
                        }
                        for post in posts
                    }.values()
                )
                insert = self.db.insert(Post).values(rows)
                await session.execute(
                    insert.on_conflict_do_update(
                        index_elements=[Post.shortcode],
                        set_={key: insert.excluded[key] for key in rows[0] if key != "shortcode"},
                    )
                )
            return await add_analysis(session, analysis, profile_id=profile_id)
