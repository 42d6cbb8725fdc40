"""Leases: a named role (the active scheduler) held by one process at a time, until it expires.

Taking and renewing are one INSERT … ON CONFLICT DO UPDATE … WHERE, atomic on SQLite and on
PostgreSQL: of two processes trying at once, one gets the row back and holds the lease.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import delete, or_, select

from storage.database import Database
from storage.holders import gone_from_this_machine
from storage.models import Lease


class LeasesRepository:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def holder(self, name: str) -> str | None:
        """Who holds (or last held, if expired) the lease `name`; None: nobody ever did."""
        holder: str | None = await self.db.scalar(select(Lease.holder).where(Lease.name == name))
        return holder

    async def acquire(self, name: str, holder: str, now: datetime, seconds: float) -> bool:
        """Hold `name` until `now + seconds` if it is free, expired, already `holder`'s, or held
        by a process of this machine that is gone; whether `holder` holds it now."""
        expires = now + timedelta(seconds=seconds)
        insert = self.db.insert(Lease).values(name=name, holder=holder, expires_at=expires)
        takeable = [Lease.expires_at <= now, Lease.holder == holder]
        current = await self.holder(name)
        if current is not None and gone_from_this_machine(current):
            takeable.append(Lease.holder == current)
        statement = insert.on_conflict_do_update(
            index_elements=[Lease.name],
            set_={"holder": holder, "expires_at": expires},
            where=or_(*takeable),
        ).returning(Lease.holder)
        async with self.db.session() as session:
            return (await session.execute(statement)).first() is not None

    async def release(self, name: str, holder: str) -> None:
        """Give the lease up now, if `holder` still holds it."""
        async with self.db.session() as session:
            await session.execute(delete(Lease).where(Lease.name == name, Lease.holder == holder))
