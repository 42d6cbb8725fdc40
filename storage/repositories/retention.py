"""Keeping cached Instagram data no longer than promised.

`purge` (a daily job) deletes cached posts and their derived features, shared analyses,
snapshots and the outbox messages that will not be sent any more (delivered, refused, or for a
person who blocked the bot; `outbox.settled_before`) older than `privacy.retention_days`, then
profiles nothing refers to any more. `release` deletes what subscribers of a profile shared
(snapshots, shared analyses) once the last of them has left.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta

from sqlalchemy import delete, exists, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.database import Database
from storage.models import Analysis, OutboxMessage, Post, Profile, Snapshot, Subscription
from storage.repositories.outbox import settled_before


async def purge(db: Database, now: datetime, retention_days: float) -> dict[str, int]:
    """Delete what is older than the retention period; rows deleted per table."""
    cutoff = now - timedelta(days=retention_days)
    statements = {
        "posts": delete(Post).where(Post.fetched_at < cutoff),
        "analyses": delete(Analysis).where(
            Analysis.user_id.is_(None), Analysis.created_at < cutoff
        ),
        "snapshots": delete(Snapshot).where(Snapshot.taken_at < cutoff),
        "outbox": delete(OutboxMessage).where(settled_before(cutoff)),
        "profiles": delete(Profile).where(
            ~exists().where(Post.profile_id == Profile.id),
            ~exists().where(Subscription.profile_id == Profile.id),
            ~exists().where(Analysis.profile_id == Profile.id),
            ~exists().where(Snapshot.profile_id == Profile.id),
        ),
    }
    deleted: dict[str, int] = {}
    async with db.session() as session:
        for table, statement in statements.items():
            result = await session.execute(statement)
            deleted[table] = result.rowcount or 0  # type: ignore[attr-defined]
    return deleted


async def _followed(session: AsyncSession, profile_id: int, period: str | None) -> bool:
    query = select(Subscription.id).where(Subscription.profile_id == profile_id)
    if period is not None:
        query = query.where(Subscription.period == period)
    return (await session.scalar(query.limit(1))) is not None


async def release(db: Database, followed: Iterable[tuple[str, str]]) -> list[tuple[str, str]]:
    """After people left (username, period) pairs: drop what nobody follows any more.

    Returns the (username, period) pairs left without subscribers, whose jobs should go.
    """
    orphaned: list[tuple[str, str]] = []
    async with db.session() as session:
        for username, period in set(followed):
            profile_id = await session.scalar(
                select(Profile.id).where(Profile.username == username)
            )
            if profile_id is None:
                orphaned.append((username, period))
                continue
            if not await _followed(session, profile_id, period):
                orphaned.append((username, period))
                await session.execute(
                    delete(Snapshot).where(
                        Snapshot.profile_id == profile_id, Snapshot.period == period
                    )
                )
            if not await _followed(session, profile_id, None):
                await session.execute(
                    delete(Analysis).where(
                        Analysis.profile_id == profile_id, Analysis.user_id.is_(None)
                    )
                )
    return sorted(orphaned)


class RetentionRepository:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def purge(self, now: datetime, retention_days: float) -> dict[str, int]:
        return await purge(self.db, now, retention_days)

    async def release(self, followed: Iterable[tuple[str, str]]) -> list[tuple[str, str]]:
        return await release(self.db, followed)
