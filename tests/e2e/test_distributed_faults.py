"""The distributed mode loses nothing and repeats nothing when its processes die.

An ingress and two workers run as processes over Redis and one database. 20 people each send a
photo, an album and a profile at once (60 analyses); a few of them follow a profile first. A
worker is killed with SIGKILL in the middle of an analysis (its log shows the task started and
not finished), then, once every analysis is queued, the ingress is killed and started again.
Every interaction is answered exactly once (the killed worker's task is taken over by the other
worker after its in-progress mark expires), no status line is left behind, each analysis is
stored once (twice for the killed task if the kill fell between its store and its reply), and
the subscriptions and their job are still there. PostgreSQL holds the data
(its constraints are the database's checks).
"""

from __future__ import annotations

import re
import signal
from collections.abc import Awaitable, Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from redis import Redis
from sqlalchemy import create_engine
from sqlalchemy import text as sql

from bot.taskqueue import QUEUE_NAME, REPLIED_PREFIX
from handlers import texts
from playground.client import PlaygroundClient, transcript
from service.subscriptions.scheduler import job_id
from storage.database import sync_url
from tests.e2e.bot_process import START_TIMEOUT, Process
from tests.e2e.conftest import Distributed, distributed
from tests.e2e.replies import View
from tests.e2e.subscribing import eventually
from tests.fixtures.instagram_fixture import FixturePost, sample_jpeg, write_profile
from tests.servers import PostgresServer

pytestmark = [pytest.mark.slow, pytest.mark.distributed, pytest.mark.timeout(START_TIMEOUT + 600)]

PEOPLE = range(9500, 9520)
SUBSCRIBERS = PEOPLE[:4]
PROFILE = "fault.user"
TASK_TIMEOUT = 20
"""Seconds before a killed worker's task is taken over (plus arq's 10)."""
STARTED = re.compile(r" → update:(\d+):analyse")
FINISHED = re.compile(r" ← update:(\d+):analyse")


@pytest.fixture
def cluster(
    tmp_path: Path, redis_url: str, postgres_server: PostgresServer
) -> Iterator[Distributed]:
    with distributed(
        tmp_path, redis_url, postgres_server, task_timeout_seconds=TASK_TIMEOUT
    ) as bot:
        yield bot


def _profile(root: Path) -> None:
    start = datetime(2026, 9, 1, 8, tzinfo=UTC)
    posts = [
        FixturePost(start + timedelta(days=i), f"Day {i} #walk", 50 + i, 2, [sample_jpeg(i)])
        for i in range(3)
    ]
    write_profile(root, PROFILE, posts, followers=900, followees=100, full_name="Fault User")


def _running_task(worker: Process) -> str | None:
    """The key of the task `worker`'s log shows started and not finished, if any."""
    log = worker.log.read_text(errors="replace")
    started = STARTED.findall(log)
    return started[-1] if started and started[-1] not in FINISHED.findall(log) else None


def _queued(ingress: Process) -> int:
    """Analyses the ingress handed to the queue (its update log lines, over its restarts)."""
    return ingress.log.read_text(errors="replace").count("outcome=queued")


def _async(check: Callable[[], bool]) -> Callable[[], Awaitable[bool]]:
    async def holds() -> bool:
        return check()

    return holds


def _answers(bot: list[View]) -> dict[str, int]:
    """How many times each kind of answer is in a chat's bot messages."""
    captions = [m["text"] or "" for m in bot]
    return {
        "photo": sum("Your photo" in t for t, m in zip(captions, bot, strict=True) if m["photos"]),
        "album": sum("best first" in t for t in captions),
        "profile": sum(
            any("sub:" in b["callback_data"] for r in m["buttons"] for b in r) for m in bot
        ),
        "status": sum("Looking at" in t or "Comparing your" in t for t in captions),
        "failed": sum(texts.FAILED in t for t in captions),
    }


def _database_checks(database_url: str) -> tuple[dict[str, int], set[str]]:
    """Rows that must have been written exactly once or survived, and the scheduler's jobs."""
    engine = create_engine(sync_url(database_url))
    with engine.connect() as db:
        counts = {
            table: db.execute(sql(f"SELECT COUNT(*) FROM {table}")).scalar_one()
            for table in ("analyses", "subscriptions")
        }
        jobs = set(db.execute(sql("SELECT id FROM apscheduler_jobs")).scalars())
    engine.dispose()
    return counts, jobs


async def test_a_killed_worker_and_a_restarted_ingress_lose_and_repeat_nothing(
    cluster: Distributed, redis_url: str
) -> None:
    _profile(cluster.profiles_root)
    client = PlaygroundClient(cluster.cluster.base_url)
    try:
        for chat in SUBSCRIBERS:
            sent = await client.send_text(chat, f"/subscribe {PROFILE} weekly")
            await client.wait_for(chat, lambda m: len(m) >= 1, after=sent["message_id"])
        for chat in PEOPLE:
            await client.send_photos(chat, [sample_jpeg(chat)])
            await client.send_photos(chat, [sample_jpeg(chat + 1), sample_jpeg(chat + 2)])
            await client.send_text(chat, f"@{PROFILE}")

        victim, survivor = cluster.cluster.worker
        await eventually(_async(lambda: _running_task(victim) is not None), timeout=120)
        killed = _running_task(victim)
        victim.stop(signal.SIGKILL)
        ingress = cluster.cluster.ingress
        await eventually(_async(lambda: _queued(ingress) == 3 * len(PEOPLE)), timeout=120)
        ingress.stop(signal.SIGKILL)
        ingress.start()
        ingress.wait_ready()

        with Redis.from_url(redis_url) as redis:  # until every task is acknowledged
            await eventually(_async(lambda: redis.zcard(QUEUE_NAME) == 0), timeout=300)
            assert redis.exists(f"{REPLIED_PREFIX}{killed}")
        for chat in PEOPLE:
            messages = await client.messages(chat, after=0)
            bot = [m for m in messages if m["sender"] == "bot"]
            expected = {"photo": 1, "album": 1, "profile": 1, "status": 0, "failed": 0}
            assert _answers(bot) == expected, f"chat {chat}\n" + transcript(messages)
        for chat in SUBSCRIBERS:
            sent = await client.send_text(chat, "/subscriptions")
            [listed] = await client.wait_for(chat, lambda m: len(m) >= 1, after=sent["message_id"])
            assert f"@{PROFILE} — weekly" in listed["text"] and "next check" in listed["text"]
    finally:
        await client.close()
    # Each analysis stored once (the killed worker died before storing its own), the
    # subscriptions and their one job (shared by its followers) still there.
    counts, jobs = _database_checks(cluster.database_url)
    # The killed worker's analysis is stored again by the worker that takes it over when the
    # kill came after the store and before the reply: at-least-once work, one reply.
    assert 3 * len(PEOPLE) <= counts["analyses"] <= 3 * len(PEOPLE) + 1
    assert counts["subscriptions"] == len(SUBSCRIBERS)
    assert job_id(PROFILE, "weekly") in jobs
    assert STARTED.search(survivor.log.read_text()) is not None
