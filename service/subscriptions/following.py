"""Subscriptions: who follows which profile, how often, within a per-person cap."""

from __future__ import annotations

from datetime import datetime

from service.errors import ServiceError
from storage.repositories.snapshots import SnapshotsRepository
from storage.repositories.subscriptions import SubscriptionsRepository, SubscriptionView

PERIODS = ("daily", "weekly")


def _check_period(period: str) -> None:
    if period not in PERIODS:
        raise ServiceError("The period is daily or weekly, e.g. /subscribe natgeo weekly")


class Subscriptions:
    """The rules around the subscriptions table: the periods and the per-person cap."""

    def __init__(
        self,
        repository: SubscriptionsRepository,
        snapshots: SnapshotsRepository,
        max_per_person: int,
    ) -> None:
        self.repository = repository
        self.snapshots = snapshots
        self.max_per_person = max_per_person

    async def check(self, user_id: int, period: str) -> None:
        """Refuse a bad period, or a new profile beyond the person's cap (before any fetch)."""
        _check_period(period)
        if await self.repository.count(user_id) >= self.max_per_person:
            raise ServiceError(
                f"You already follow {self.max_per_person} profiles, the most I allow. "
                "Stop one with /unsubscribe first."
            )

    async def subscribe(self, user_id: int, username: str, period: str) -> bool:
        """Follow a profile (or change the period); False when it was already followed so."""
        _check_period(period)
        return await self.repository.subscribe(user_id, username, period)

    async def unsubscribe(self, user_id: int, username: str) -> bool:
        return await self.repository.unsubscribe(user_id, username)

    async def period_of(self, user_id: int, username: str) -> str | None:
        """The period the person follows the profile with (None when they do not)."""
        return await self.repository.period_of(user_id, username)

    async def snapshot_taken_at(self, username: str, period: str) -> datetime | None:
        """When a run last looked at the profile for this period (None: never)."""
        return await self.snapshots.taken_at(username, period)

    async def has_snapshot(self, username: str, period: str) -> bool:
        """Whether a scheduled run already saw the profile for this period."""
        return await self.snapshot_taken_at(username, period) is not None

    async def list(self, user_id: int) -> list[SubscriptionView]:
        return await self.repository.list(user_id)
