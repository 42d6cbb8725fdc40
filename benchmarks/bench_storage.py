"""The database's share of the work, per backend: what a report costs it and how much it keeps.

    uv run python -m benchmarks.bench_storage                       # a temporary SQLite file
    uv run python -m benchmarks.bench_storage --database postgresql+asyncpg://u@host:5432/empty

Through the app's repositories, with 8 tasks at once (as 8 people would): a person's update
(`people.touch`, once per update), a 24-post profile report stored (`profiles.save_analysis`:
the profile, 24 posts, the analysis), and an outbox message (written, then claimed and marked
sent by whichever of 8 senders claims it first).
Rows are synthetic but sized as real ones (`var/digbot.sqlite` after real profile reports:
post features ~3.5 KB of JSON, a 2,560-byte embedding, an analysis result ~2.8 KB), filled with
seeded random numbers so that PostgreSQL's compression does not flatter them. Also the
bytes the database grows by per stored profile report. Use an empty database: it is migrated
and written to.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import tempfile
import time
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta

from sqlalchemy import text
from sqlalchemy.exc import OperationalError

from storage.database import Database
from storage.repositories import Repositories
from storage.repositories.analyses import AnalysisRecord
from storage.repositories.outbox import OutboxRepository, Outgoing, enqueue
from storage.repositories.profiles import PostRow, ProfileRow

NOW = datetime(2026, 12, 1, tzinfo=UTC)
CONCURRENCY = 8
RANDOM = random.Random(0)
FEATURES = {"scores": [round(RANDOM.random(), 6) for _ in range(400)]}  # ~3.5 KB, as hard to
RESULT = {"scores": [round(RANDOM.random(), 6) for _ in range(300)]}  # compress as real numbers
EMBEDDING = RANDOM.randbytes(2_560)


def _posts(profile: int) -> list[PostRow]:
    return [
        PostRow(
            f"p{profile}_{i}", NOW - timedelta(days=i), 100 + i, i, "caption " * 8, False,
            FEATURES, EMBEDDING,
        )
        for i in range(24)
    ]  # fmt: skip


async def _rate(count: int, one: Callable[[int], Awaitable[object]]) -> tuple[float, int]:
    """Operations done per second, `count` tried, CONCURRENCY at a time; and how many failed
    (SQLite: "database is locked" when a writer waited longer than its 5 s busy timeout)."""
    queue = iter(range(count))
    failed = 0

    async def worker() -> None:
        nonlocal failed
        for index in queue:
            try:
                await one(index)
            except OperationalError:
                failed += 1

    started = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(CONCURRENCY)))
    return (count - failed) / (time.perf_counter() - started), failed


async def _size(db: Database) -> int:
    if db.is_sqlite:
        await db.checkpoint()
        return await asyncio.to_thread(os.path.getsize, db.engine.url.database or "")
    return int(await db.scalar(text("SELECT pg_database_size(current_database())")))


async def measure(url: str, reports: int) -> dict[str, float]:
    db = Database(url)
    await db.migrate()
    repositories = Repositories.open(db, lambda: NOW)
    try:
        touches, touch_failed = await _rate(
            reports * 4, lambda i: repositories.people.touch(i % 50, i, "en")
        )
        before = await _size(db)
        analysis = AnalysisRecord("profile", RESULT, None, {"style": "1"}, NOW)
        saves, save_failed = await _rate(
            reports,
            lambda i: repositories.profiles.save_analysis(
                ProfileRow(f"profile{i}", "Name", 1000, 100, NOW), _posts(i), analysis
            ),
        )
        grown = (await _size(db) - before) / max(1, reports - save_failed)

        async def message(i: int) -> None:
            async with db.session() as session:
                enqueue(session, i % 50, i % 50, [Outgoing("report text " * 20)], NOW)
            sender = OutboxRepository(db, lambda: NOW)  # as another process would
            for row in await sender.claim():
                await sender.mark_sent(row)

        messages, message_failed = await _rate(reports, message)
    finally:
        await db.close()
    return {
        "touch/s": touches,
        "profile report/s": saves,
        "bytes/report": grown,
        "msg/s": messages,
        "failed": touch_failed + save_failed + message_failed,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", action="append", help="SQLAlchemy async URL (repeatable)")
    parser.add_argument("--reports", type=int, default=200)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        urls = args.database or [f"sqlite+aiosqlite:///{folder}/bench.sqlite"]
        print(f"load average (1 min): {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
        print(f"{CONCURRENCY} at once, {args.reports} profile reports")
        head = "| backend | touch/s | profile report/s (24 posts) | outbox msg/s | bytes/report |"
        print(head + " failed |")
        print("|---|---:|---:|---:|---:|---:|")
        for url in urls:
            found = asyncio.run(measure(url, args.reports))
            print(
                f"| {url.split(':', 1)[0]} | {found['touch/s']:,.0f} | "
                f"{found['profile report/s']:,.1f} | {found['msg/s']:,.0f} | "
                f"{found['bytes/report']:,.0f} | {found['failed']:.0f} |"
            )


if __name__ == "__main__":
    main()
