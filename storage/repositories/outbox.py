"""The outbox's rows: messages written before they are sent, marked when Telegram takes them."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, and_, exists, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.database import Database
from storage.holders import gone_from_this_machine, new_holder
from storage.models import OutboxMessage, User


@dataclass(frozen=True)
class Outgoing:
    text: str
    photo: bytes | None = None
    about: str | None = None
    """The profile a change report is about (its "What changed?" button), None otherwise."""


@dataclass(frozen=True)
class OutboxRow:
    """One message waiting to be sent."""

    id: int
    user_id: int
    chat_id: int
    text: str
    photo: bytes | None
    about: str | None
    sent: bool


def enqueue(
    session: AsyncSession,
    user_id: int,
    chat_id: int,
    messages: Sequence[Outgoing],
    now: datetime,
) -> None:
    """Add the messages for one person to the caller's transaction (sent in this order)."""
    for message in messages:
        session.add(
            OutboxMessage(
                user_id=user_id,
                chat_id=chat_id,
                text=message.text,
                photo=message.photo,
                about=message.about,
                created_at=now,
                attempts=0,
            )
        )


def settled_before(cutoff: datetime) -> ColumnElement[bool]:
    """Rows the delivery loop is done with, from before `cutoff`: delivered before it, or
    written before it and refused for good or waiting for a person who blocked the bot."""
    blocked = exists().where(User.id == OutboxMessage.user_id, User.blocked.is_(True))
    return or_(
        OutboxMessage.sent_at < cutoff,
        and_(
            OutboxMessage.sent_at.is_(None),
            OutboxMessage.created_at < cutoff,
            or_(OutboxMessage.failed.is_not(None), blocked),
        ),
    )


class OutboxRepository:
    def __init__(
        self, db: Database, now: Callable[[], datetime], claim_seconds: float = 300
    ) -> None:
        self.db = db
        self.now = now
        self.claim_seconds = timedelta(seconds=claim_seconds)
        self.holder = new_holder()
        """This process, as it claims rows."""

    async def claim(self) -> list[int]:
        """Ids of the rows to send, in order (unsent, not refused, person not blocked), claimed
        for this process for `claim_seconds`: another process delivering the same outbox skips
        them until then, unless the claimer was a process of this machine that is gone.

        One UPDATE: atomic on SQLite (one writer); on PostgreSQL the rows it picks are locked
        `FOR UPDATE SKIP LOCKED`, so a concurrent claim skips them instead of claiming them too.
        """
        now = self.now()
        async with self.db.session() as session:
            claimers = await session.scalars(
                select(OutboxMessage.claimed_by)
                .where(OutboxMessage.sent_at.is_(None), OutboxMessage.claimed_until > now)
                .distinct()
            )
            gone = [c for c in claimers if c is not None and gone_from_this_machine(c)]
        claimable = (
            select(OutboxMessage.id)
            .join(User, User.id == OutboxMessage.user_id)
            .where(
                OutboxMessage.sent_at.is_(None),
                OutboxMessage.failed.is_(None),
                User.blocked.is_(False),
                or_(
                    OutboxMessage.claimed_until.is_(None),
                    OutboxMessage.claimed_until <= now,
                    OutboxMessage.claimed_by.in_([self.holder, *gone]),
                ),
            )
            .with_for_update(skip_locked=True, of=OutboxMessage)
        )
        claim = (
            update(OutboxMessage)
            .where(OutboxMessage.id.in_(claimable))
            .values(claimed_by=self.holder, claimed_until=now + self.claim_seconds)
            .returning(OutboxMessage.id)
        )
        async with self.db.session() as session:
            return sorted(await session.scalars(claim))

    async def get(self, row_id: int) -> OutboxRow | None:
        async with self.db.session() as session:
            row = await session.get(OutboxMessage, row_id)
        if row is None:
            return None
        return OutboxRow(
            row.id,
            row.user_id,
            row.chat_id,
            row.text,
            row.photo,
            row.about,
            row.sent_at is not None,
        )

    async def mark_sent(self, row_id: int) -> None:
        async with self.db.session() as session:
            row = await session.get(OutboxMessage, row_id)
            if row is not None:  # None: the person was forgotten meanwhile
                row.sent_at = self.now()

    async def mark_failed(self, row_id: int, *, refused: str | None, blocked: bool) -> None:
        """Count a failed try; `refused`: the reason it will never be sent; `blocked`: the
        person blocked the bot."""
        async with self.db.session() as session:
            row = await session.get(OutboxMessage, row_id)
            if row is None:
                return
            row.attempts += 1
            if refused is not None:
                row.failed = refused[:200]
            elif blocked:
                user = await session.get(User, row.user_id)
                if user is not None:
                    user.blocked = True
