"""Helpers for the subscription tests: a profile that gains posts, a clock the test moves, a
source that counts fetches, and reading the database as the tests' ground truth (SQLite, or
PostgreSQL when the tests run there: `DIGBOT_TEST_DATABASE=postgresql`)."""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, inspect, make_url, text

from instagram.models import FetchedProfile
from instagram.source import ProfileSource
from storage.database import sync_url
from storage.jobstore import jobstore_url
from tests.fixtures.instagram_fixture import FixturePost, sample_jpeg, write_profile

USERNAME = "fixture.user"
FIRST_POST = datetime(2026, 9, 1, 8, tzinfo=UTC)
CAPTIONS = [
    "Morning espresso before the lecture #coffee",
    "Sunset walk by the sea #sunset #travel",
    "Weekend hike in the mountains #hiking",
]


def write_posts(root: Path, count: int, followers: int = 2400) -> None:
    """The fixture profile with its first `count` posts (post i+1 is newer than post i)."""
    posts = [
        FixturePost(
            taken_at=FIRST_POST + timedelta(days=2 * i, hours=i % 5),
            caption=CAPTIONS[i % len(CAPTIONS)],
            likes=100 + 10 * i,
            comments=5 + i,
            images=[sample_jpeg(i)],
        )
        for i in range(count)
    ]
    write_profile(root, USERNAME, posts, followers=followers, followees=310)


class Clock:
    """The service's `now`: starts at a fixed moment and moves only when the test says so."""

    def __init__(self) -> None:
        self.moment = datetime(2026, 10, 1, 9, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.moment

    def advance(self, **delta: float) -> None:
        self.moment += timedelta(**delta)


class CountingSource:
    """A ProfileSource that counts how often each profile was fetched."""

    def __init__(self, inner: ProfileSource) -> None:
        self.inner = inner
        self.fetches: Counter[str] = Counter()

    async def fetch(self, username: str, max_posts: int) -> FetchedProfile:
        self.fetches[username] += 1
        return await self.inner.fetch(username, max_posts)


def jobs_file(database: Path) -> Path:
    """APScheduler's job store beside the app's SQLite file (storage.jobstore.jobstore_url)."""
    return Path(make_url(jobstore_url(f"sqlite:///{database}")).database or "")


def lose_job_store(database_url: str) -> None:
    """Lose every stored job, as when the job file is deleted (or the jobs table dropped)."""
    url = make_url(jobstore_url(database_url))
    if url.get_backend_name() == "sqlite":
        Path(url.database or "").unlink()
        return
    engine = create_engine(url)
    with engine.begin() as connection:
        connection.execute(text("DROP TABLE apscheduler_jobs"))
    engine.dispose()


def _engine(database: Path | str) -> Engine:
    """A synchronous engine on a SQLite file (a Path) or on the app's database (its URL)."""
    return create_engine(
        sync_url(database) if isinstance(database, str) else f"sqlite:///{database}"
    )


def query(database: Path | str, sql: str, *params: Any) -> list[tuple[Any, ...]]:
    """The rows of `sql` (`?` placeholders) on a SQLite file or the app's database URL."""
    engine = _engine(database)
    if engine.dialect.paramstyle != "qmark":
        sql = sql.replace("?", "%s")
    try:
        with engine.begin() as db:
            return [tuple(row) for row in db.exec_driver_sql(sql, params)]
    finally:
        engine.dispose()


def rows_about(database: Path | str, user_id: int) -> dict[str, set[int]]:
    """Row ids per table whose user_id or chat_id (or users.id) is the person."""
    found: dict[str, set[int]] = {}
    engine = _engine(database)
    try:
        with engine.connect() as db:
            tables = inspect(db)
            for table in tables.get_table_names():
                columns = {column["name"] for column in tables.get_columns(table)}
                keys = [c for c in ("user_id", "chat_id") if c in columns]
                if table == "users":
                    keys.append("id")
                for column in keys:
                    select = text(f"SELECT id FROM {table} WHERE {column} = :person")
                    ids = {r[0] for r in db.execute(select, {"person": user_id})}
                    if ids:
                        found.setdefault(table, set()).update(ids)
    finally:
        engine.dispose()
    return found


def report_messages(messages: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [m for m in messages if "What changed on @" in (m["text"] or "")]


async def eventually(check: Callable[[], Awaitable[bool]], timeout: float = 30) -> None:  # noqa: ASYNC109
    """Wait until `check()` holds (a condition, polled), or fail after `timeout` seconds."""
    async with asyncio.timeout(timeout):
        # What is polled (the database, the playground over HTTP) has no event to wait on.
        while not await check():  # noqa: ASYNC110
            await asyncio.sleep(0.05)
