"""The outbox: rows are sent in order, marked once accepted, kept through failures."""

from __future__ import annotations

import asyncio
import socket
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from bot.settings import Settings
from service.subscriptions.outbox import Blocked, Outbox, Refused, TryLater
from storage.database import Database
from storage.models import OutboxMessage, User
from storage.repositories.outbox import OutboxRepository, Outgoing, enqueue

pytestmark = pytest.mark.both_backends

NOW = datetime(2026, 10, 1, 9, tzinfo=UTC)


@pytest.fixture
async def db(settings: Settings) -> AsyncIterator[Database]:
    database = Database(settings.database_url)
    await database.migrate()
    async with database.session() as session:
        for person in (1, 2):
            session.add(
                User(
                    id=person,
                    chat_id=person,
                    settings={},
                    blocked=False,
                    created_at=NOW,
                    last_seen_at=NOW,
                )
            )
    async with database.session() as session:
        for person in (1, 2):
            enqueue(session, person, person, [Outgoing("chart", b"png"), Outgoing("text")], NOW)
    yield database
    await database.close()


class FakeTelegram:
    def __init__(self, failures: dict[int, BaseException] | None = None) -> None:
        self.failures = failures or {}
        self.sent: list[tuple[int, str, bytes | None]] = []

    async def __call__(
        self, chat_id: int, text: str, photo: bytes | None, about: str | None = None
    ) -> None:
        error = self.failures.get(chat_id)
        if error is not None:
            raise error
        self.sent.append((chat_id, text, photo))


async def _rows(db: Database) -> list[OutboxMessage]:
    async with db.session() as session:
        return list(await session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)))


async def test_sends_in_order_and_marks_each_once(db: Database) -> None:
    outbox, telegram = Outbox(OutboxRepository(db, lambda: NOW)), FakeTelegram()
    assert await outbox.deliver_pending(telegram)
    assert telegram.sent == [
        (1, "chart", b"png"),
        (1, "text", None),
        (2, "chart", b"png"),
        (2, "text", None),
    ]
    assert all(row.sent_at == NOW for row in await _rows(db))
    assert await outbox.deliver_pending(telegram)
    assert len(telegram.sent) == 4  # nothing twice


async def test_telegram_down_keeps_everything_for_later(db: Database) -> None:
    outbox = Outbox(OutboxRepository(db, lambda: NOW))
    down = FakeTelegram({1: TryLater("500"), 2: TryLater("500")})
    assert not await outbox.deliver_pending(down)
    rows = await _rows(db)
    assert all(row.sent_at is None for row in rows) and rows[0].attempts == 1
    healthy = FakeTelegram()
    assert await outbox.deliver_pending(healthy)
    assert len(healthy.sent) == 4
    assert outbox.outcomes == {"later": 1, "sent": 4}  # the operator's counters


async def test_403_pauses_the_person_and_their_rows_wait(db: Database) -> None:
    outbox = Outbox(OutboxRepository(db, lambda: NOW))
    telegram = FakeTelegram({1: Blocked("403")})
    assert await outbox.deliver_pending(telegram)
    assert [chat for chat, _, _ in telegram.sent] == [2, 2]  # the other person is unaffected
    async with db.session() as session:
        user = await session.get(User, 1)
        assert user is not None and user.blocked
        user.blocked = False  # they came back (/start)
    healthy = FakeTelegram()
    assert await outbox.deliver_pending(healthy)
    assert [chat for chat, _, _ in healthy.sent] == [1, 1]
    assert outbox.outcomes == {"blocked": 1, "sent": 4}


async def test_400_is_final(db: Database) -> None:
    outbox = Outbox(OutboxRepository(db, lambda: NOW))
    assert await outbox.deliver_pending(FakeTelegram({1: Refused("400: chat not found")}))
    failed = [row for row in await _rows(db) if row.user_id == 1]
    assert all(row.failed and row.sent_at is None for row in failed)
    healthy = FakeTelegram()
    await outbox.deliver_pending(healthy)
    assert healthy.sent == []
    assert outbox.outcomes == {"refused": 2, "sent": 2}  # user 1 has two rows


class HeldTelegram(FakeTelegram):
    """Telegram as seen by a process whose sends wait until `release` is set."""

    def __init__(self) -> None:
        super().__init__()
        self.sending, self.release = asyncio.Event(), asyncio.Event()

    async def __call__(
        self, chat_id: int, text: str, photo: bytes | None, about: str | None = None
    ) -> None:
        self.sending.set()
        await self.release.wait()
        await super().__call__(chat_id, text, photo, about)


async def test_two_processes_sharing_the_outbox_send_each_message_once(db: Database) -> None:
    first, second = (Outbox(OutboxRepository(db, lambda: NOW)) for _ in range(2))
    held, telegram = HeldTelegram(), FakeTelegram()
    passing = asyncio.create_task(first.deliver_pending(held))
    await held.sending.wait()  # the first process is sending its first message
    assert await second.deliver_pending(telegram)
    assert telegram.sent == []  # every row is the first's
    held.release.set()
    assert await passing
    assert len(held.sent) == 4


async def test_rows_claimed_by_a_process_that_died_go_out_after_the_claim(db: Database) -> None:
    died = OutboxRepository(db, lambda: NOW, claim_seconds=300)
    died.holder = "another-machine:1:x"
    assert len(await died.claim()) == 4
    telegram = FakeTelegram()
    soon = Outbox(OutboxRepository(db, lambda: NOW + timedelta(seconds=299)))
    assert await soon.deliver_pending(telegram) and telegram.sent == []
    later = Outbox(OutboxRepository(db, lambda: NOW + timedelta(seconds=300)))
    assert await later.deliver_pending(telegram) and len(telegram.sent) == 4


async def test_rows_claimed_by_a_process_of_this_machine_that_is_gone_go_out_at_once(
    db: Database,
) -> None:
    exited = await asyncio.create_subprocess_exec("true")
    await exited.wait()
    died = OutboxRepository(db, lambda: NOW)
    died.holder = f"{socket.gethostname()}:{exited.pid}:x"
    assert len(await died.claim()) == 4
    telegram = FakeTelegram()
    assert await Outbox(OutboxRepository(db, lambda: NOW)).deliver_pending(telegram)
    assert len(telegram.sent) == 4
