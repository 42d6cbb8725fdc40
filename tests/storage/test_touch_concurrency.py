"""Recording that a person is here does not write while nothing about them changed.

Every update touches its person. Under load (benchmarks/bench_load.py --debug) those writes
queued behind SQLite's one writer until one waited out the busy timeout and the update failed
with "database is locked". A person seen moments ago now costs a read, not a write.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import select

from storage.database import Database
from storage.models import User
from storage.repositories.people import LAST_SEEN_RESOLUTION, PeopleRepository

START = datetime(2026, 1, 1, tzinfo=UTC)


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
    tmp_path: Path,
) -> None:
    path = tmp_path / "db.sqlite"
    db = Database(f"sqlite+aiosqlite:///{path}")
    await db.migrate()
    clock = [START]
    people = PeopleRepository(db, lambda: clock[0])
    try:
        await people.touch(7, 70, "en")
        clock[0] = START + LAST_SEEN_RESOLUTION - timedelta(seconds=1)
        with another_writer(path):  # before: waited out busy_timeout, "database is locked"
            assert await people.touch(7, 70, "en") is False
        async with db.session() as session:
            user = await session.get(User, 7)
            assert user is not None and user.last_seen_at == START
    finally:
        await db.close()


async def test_a_change_or_a_stale_last_seen_is_still_written(tmp_path: Path) -> None:
    db = Database(f"sqlite+aiosqlite:///{tmp_path / 'db.sqlite'}")
    await db.migrate()
    clock = [START]
    people = PeopleRepository(db, lambda: clock[0])
    try:
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
    finally:
        await db.close()
