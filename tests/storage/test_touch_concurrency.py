"""Many people at once never fail an update with "database is locked".

Under load (benchmarks/bench_load.py --debug) every update touched its person and many
sessions wrote at once, each on its own connection, polling for SQLite's one write lock until
some waited out the busy timeout. Now a person seen moments ago costs a read, not a write, and
the app's sessions share one connection, queueing for it in order.
"""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import AsyncIterator, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import event, select

from storage.database import Database
from storage.models import User
from storage.repositories.people import LAST_SEEN_RESOLUTION, PeopleRepository

START = datetime(2026, 1, 1, tzinfo=UTC)


@pytest.fixture
async def db(tmp_path: Path) -> AsyncIterator[Database]:
    database = Database(f"sqlite+aiosqlite:///{tmp_path / 'db.sqlite'}")
    await database.migrate()
    yield database
    await database.close()


@contextmanager
def another_writer(path: Path) -> Iterator[None]:
    """Another connection holds the write lock for as long as the block runs."""
    writer = sqlite3.connect(path, isolation_level=None)
    try:
        writer.execute("BEGIN IMMEDIATE")
        yield
        writer.execute("ROLLBACK")
    finally:
        writer.close()


async def test_a_person_seen_moments_ago_is_recorded_without_the_write_lock(
    db: Database, tmp_path: Path
) -> None:
    clock = [START]
    people = PeopleRepository(db, lambda: clock[0])
    await people.touch(7, 70, "en")
    clock[0] = START + LAST_SEEN_RESOLUTION - timedelta(seconds=1)
    with another_writer(tmp_path / "db.sqlite"):  # before: busy_timeout, "database is locked"
        assert await people.touch(7, 70, "en") is False
    async with db.session() as session:
        user = await session.get(User, 7)
        assert user is not None and user.last_seen_at == START


async def test_a_change_or_a_stale_last_seen_is_still_written(db: Database) -> None:
    clock = [START]
    people = PeopleRepository(db, lambda: clock[0])
    await people.touch(7, 70, "en")
    await people.touch(7, 71, "en")  # moved to another chat
    await people.touch(7, 71, "de")  # another language
    await people.set_blocked(7, True)
    assert await people.touch(7, 71, "de") is True
    clock[0] = START + LAST_SEEN_RESOLUTION
    await people.touch(7, 71, "de")
    async with db.session() as session:
        users = list(await session.scalars(select(User)))
    assert [(u.chat_id, u.language, u.blocked, u.last_seen_at) for u in users] == [
        (71, "de", False, START + LAST_SEEN_RESOLUTION)
    ]


async def test_sessions_take_turns_on_one_connection(db: Database) -> None:
    """New people written all at once: no session waits on SQLite's lock, because no two
    sessions hold a connection at the same time."""
    people = PeopleRepository(db, lambda: START)
    held, most = 0, 0

    def checkout(*_: object) -> None:
        nonlocal held, most
        held += 1
        most = max(most, held)

    def checkin(*_: object) -> None:
        nonlocal held
        held -= 1

    event.listen(db.engine.sync_engine.pool, "checkout", checkout)
    event.listen(db.engine.sync_engine.pool, "checkin", checkin)
    await asyncio.gather(*(people.touch(person, person, "en") for person in range(30)))
    assert most == 1
