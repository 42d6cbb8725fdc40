"""Who follows which profile and how often."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import and_, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.database import Database
from storage.models import Profile, Snapshot, Subscription, User
from storage.repositories.profiles import upsert_profile


@dataclass(frozen=True)
class SubscriptionView:
    username: str
    period: str
    since: datetime


@dataclass(frozen=True)
class Subscribers:
    """The people following a (profile, period): how many, and (user id, chat id) of those
    who have not blocked the bot."""

    total: int
    active: list[tuple[int, int]]


class SubscriptionsRepository:
    def __init__(self, db: Database, now: Callable[[], datetime]) -> None:
        self.db = db
        self.now = now

    async def count(self, user_id: int) -> int:
        """How many profiles the person follows."""
        count = await self.db.scalar(
            select(func.count()).select_from(Subscription).where(Subscription.user_id == user_id)
        )
        return count or 0

    async def subscribe(self, user_id: int, username: str, period: str) -> bool:
        """Follow a profile (or change the period); False when it was already followed so."""
        async with self.db.session() as session:
            profile_id = await upsert_profile(self.db, session, username)
            before = await session.scalar(
                select(Subscription.period)
                .where(Subscription.user_id == user_id, Subscription.profile_id == profile_id)
                .with_for_update()
            )
            await session.execute(
                self.db.insert(Subscription)
                .values(
                    user_id=user_id, profile_id=profile_id, period=period, created_at=self.now()
                )
                .on_conflict_do_update(
                    index_elements=[Subscription.user_id, Subscription.profile_id],
                    set_={"period": period},
                )
            )
        return before != period

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
        period: str | None = await self.db.scalar(
            select(Subscription.period)
            .join(Profile, Profile.id == Subscription.profile_id)
            .where(Subscription.user_id == user_id, Profile.username == username)
        )
        return period

    async def list(self, user_id: int) -> list[SubscriptionView]:
        async with self.db.session() as session:
            rows = await session.execute(
                select(Profile.username, Subscription.period, Subscription.created_at)
                .join(Profile, Profile.id == Subscription.profile_id)
                .where(Subscription.user_id == user_id)
                .order_by(Profile.username)
            )
            return [SubscriptionView(u, p, c) for u, p, c in rows]

    async def followed(self) -> dict[tuple[str, str], datetime | None]:
        """Every followed (username, period) and when its snapshot was taken (None: none)."""
        async with self.db.session() as session:
            rows = await session.execute(
                select(Profile.username, Subscription.period, Snapshot.taken_at)
                .join(Profile, Profile.id == Subscription.profile_id)
                .outerjoin(
                    Snapshot,
                    and_(Snapshot.profile_id == Profile.id, Snapshot.period == Subscription.period),
                )
                .distinct()
            )
            return {(username, period): taken_at for username, period, taken_at in rows}

    async def subscribers(self, username: str, period: str) -> Subscribers:
        async with self.db.session() as session:
            return await subscribers(session, username, period)

    async def followed_otherwise(self, username: str, period: str) -> bool:
        """Whether somebody follows the profile with another period than `period`."""
        found = await self.db.scalar(
            select(Subscription.id)
            .join(Profile, Profile.id == Subscription.profile_id)
            .where(Profile.username == username, Subscription.period != period)
            .limit(1)
        )
        return found is not None


async def subscribers(session: AsyncSession, username: str, period: str) -> Subscribers:
    """The subscribers of (username, period), read in the caller's transaction."""
    rows = await session.execute(
        select(User.id, User.chat_id, User.blocked)
        .join(Subscription, Subscription.user_id == User.id)
        .join(Profile, Profile.id == Subscription.profile_id)
        .where(Profile.username == username, Subscription.period == period)
        .order_by(User.id)
    )
    everyone = list(rows)
    return Subscribers(
        len(everyone), [(uid, chat) for uid, chat, blocked in everyone if not blocked]
    )
