"""Subscriptions: who follows which profile, how often, within a per-person cap."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select

from service.errors import ServiceError
from storage.database import Database, retry_on_conflict
from storage.models import Profile, Snapshot, Subscription

PERIODS = ("daily", "weekly")


@dataclass(frozen=True)
class SubscriptionView:
    username: str
    period: str
    since: datetime


class Subscriptions:
    def __init__(self, db: Database, max_per_person: int, now: Callable[[], datetime]) -> None:
        self.db = db
        self.max_per_person = max_per_person
        self.now = now

    async def check(self, user_id: int, period: str) -> None:
        """Refuse a bad period, or a new profile beyond the person's cap (before any fetch)."""
        if period not in PERIODS:
            raise ServiceError("The period is daily or weekly, e.g. /subscribe natgeo weekly")
        async with self.db.session() as session:
            count = await session.scalar(
                select(func.count())
                .select_from(Subscription)
                .where(Subscription.user_id == user_id)
            )
        if (count or 0) >= self.max_per_person:
            raise ServiceError(
                f"You already follow {self.max_per_person} profiles, the most I allow. "
                "Stop one with /unsubscribe first."
            )

    async def subscribe(self, user_id: int, username: str, period: str) -> bool:
        """Follow a profile (or change the period); False when it was already followed so."""
        return await retry_on_conflict(lambda: self._subscribe(user_id, username, period))

    async def _subscribe(self, user_id: int, username: str, period: str) -> bool:
        if period not in PERIODS:
            raise ServiceError("The period is daily or weekly, e.g. /subscribe natgeo weekly")
        async with self.db.session() as session:
            profile = await session.scalar(select(Profile).where(Profile.username == username))
            if profile is None:
                profile = Profile(username=username)
                session.add(profile)
                await session.flush()
            existing = await session.scalar(
                select(Subscription).where(
                    Subscription.user_id == user_id, Subscription.profile_id == profile.id
                )
            )
            if existing is not None:
                changed = existing.period != period
                existing.period = period
                return changed
            session.add(
                Subscription(
                    user_id=user_id, profile_id=profile.id, period=period, created_at=self.now()
                )
            )
            return True

    async def unsubscribe(self, user_id: int, username: str) -> bool:
        async with self.db.session() as session:
            subscription = await session.scalar(
                select(Subscription)
                .join(Profile, Profile.id == Subscription.profile_id)
                .where(Subscription.user_id == user_id, Profile.username == username)
            )
            if subscription is None:
                return False
            await session.delete(subscription)
            return True

    async def period_of(self, user_id: int, username: str) -> str | None:
        """The period the person follows the profile with (None when they do not)."""
        async with self.db.session() as session:
            period: str | None = await session.scalar(
                select(Subscription.period)
                .join(Profile, Profile.id == Subscription.profile_id)
                .where(Subscription.user_id == user_id, Profile.username == username)
            )
            return period

    async def snapshot_taken_at(self, username: str, period: str) -> datetime | None:
        """When a run last looked at the profile for this period (None: never)."""
        async with self.db.session() as session:
            taken_at: datetime | None = await session.scalar(
                select(Snapshot.taken_at)
                .join(Profile, Profile.id == Snapshot.profile_id)
                .where(Profile.username == username, Snapshot.period == period)
            )
            return taken_at

    async def has_snapshot(self, username: str, period: str) -> bool:
        """Whether a scheduled run already saw the profile for this period."""
        return await self.snapshot_taken_at(username, period) is not None

    async def list(self, user_id: int) -> list[SubscriptionView]:
        async with self.db.session() as session:
            rows = await session.execute(
                select(Profile.username, Subscription.period, Subscription.created_at)
                .join(Profile, Profile.id == Subscription.profile_id)
                .where(Subscription.user_id == user_id)
                .order_by(Profile.username)
            )
            return [SubscriptionView(u, p, c) for u, p, c in rows]
