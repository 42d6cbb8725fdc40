"""Two concurrent first inserts of the same row: the loser runs again and finds it."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from storage.database import Database, retry_on_conflict
from storage.models import User
from storage.repositories.people import PeopleRepository


async def test_a_second_conflict_is_not_hidden() -> None:
    calls = 0

    async def always_conflicts() -> None:
        nonlocal calls
        calls += 1
        raise IntegrityError("INSERT", {}, Exception("UNIQUE constraint failed"))

    with pytest.raises(IntegrityError):
        await retry_on_conflict(always_conflicts)
    assert calls == 2


async def test_concurrent_first_touches_make_one_person(tmp_path: Path) -> None:
    db = Database(f"sqlite+aiosqlite:///{tmp_path / 'db.sqlite'}")
    await db.migrate()
    people = PeopleRepository(db, lambda: datetime(2026, 1, 1, tzinfo=UTC))
    try:
        await asyncio.gather(*(people.touch(7, 7, "en") for _ in range(8)))
        async with db.session() as session:
            assert await session.scalar(select(func.count()).select_from(User)) == 1
    finally:
        await db.close()
