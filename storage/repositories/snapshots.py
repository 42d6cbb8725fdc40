"""What a scheduled run last saw of a profile (per period), stored with its outgoing report."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select

from storage.database import Database
from storage.models import Profile, Snapshot
from storage.repositories.outbox import Outgoing, enqueue
from storage.repositories.subscriptions import subscribers


@dataclass(frozen=True)
class SnapshotRecord:
    data: dict[str, Any]
    taken_at: datetime
    last_report_at: datetime | None


@dataclass(frozen=True)
class ProfileCounts:
    """The profile's numbers as the run fetched them."""

    followers: int | None
    followees: int | None
    post_count: int | None
    fetched_at: datetime


class SnapshotsRepository:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def load(self, username: str, period: str) -> SnapshotRecord | None:
        snapshot = await self.db.scalar(
            select(Snapshot)
            .join(Profile, Profile.id == Snapshot.profile_id)
            .where(Profile.username == username, Snapshot.period == period)
        )
        if snapshot is None:
            return None
        return SnapshotRecord(snapshot.data, snapshot.taken_at, snapshot.last_report_at)

    async def taken_at(self, username: str, period: str) -> datetime | None:
        """When a run last looked at the profile for this period (None: never)."""
        snapshot = await self.load(username, period)
        return snapshot.taken_at if snapshot is not None else None

    async def store(
        self,
        username: str,
        period: str,
        counts: ProfileCounts,
        state: dict[str, Any],
        messages: Sequence[Outgoing],
        now: datetime,
    ) -> None:
        """The new snapshot and every active subscriber's messages, in one transaction.

        Subscribers are read again here: people may have left or blocked the bot meanwhile.
        """
        async with self.db.session() as session:
            followers = await subscribers(session, username, period)
            if followers.total == 0:
                return
            profile = await session.scalar(select(Profile).where(Profile.username == username))
            if profile is None:
                return
            profile.followers, profile.followees = counts.followers, counts.followees
            profile.post_count, profile.last_fetched_at = counts.post_count, counts.fetched_at
            snapshot = await session.scalar(
                select(Snapshot).where(Snapshot.profile_id == profile.id, Snapshot.period == period)
            )
            if snapshot is None:
                snapshot = Snapshot(profile_id=profile.id, period=period, last_report_at=now)
                session.add(snapshot)
            snapshot.taken_at, snapshot.data = now, state
            if messages:
                snapshot.last_report_at = now
                for user_id, chat_id in followers.active:
                    enqueue(session, user_id, chat_id, messages, now)
