"""One active scheduler across processes sharing a database: the first to start runs the jobs,
another stands by (paused, still writing the shared job store) and takes over, reconciling the
jobs with the subscriptions table, once the lease expires or is given up."""

from __future__ import annotations

import asyncio
import socket
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import UTC, datetime, timedelta

import pytest
from apscheduler.schedulers.base import STATE_PAUSED, STATE_RUNNING

from analyzers.pipeline import LoadedAnalyzers
from bot.container import Container
from bot.settings import Settings
from service.subscriptions.lease import Lease
from service.subscriptions.scheduler import RETENTION_JOB, job_id
from storage.database import Database
from storage.repositories.leases import LeasesRepository
from tests.service.test_scheduler import RateLimitedSource

pytestmark = pytest.mark.both_backends

JOB = job_id("natgeo", "daily")


class Clock:
    """The wall clock both processes read, moved by the test."""

    def __init__(self) -> None:
        self.at = datetime.now(UTC)

    def __call__(self) -> datetime:
        return self.at


async def _never_sends(_: int, __: str, ___: bytes | None, ____: str | None = None) -> None:
    raise AssertionError("nothing should be sent")


Start = Callable[[], Awaitable[Container]]


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
async def start(settings: Settings, clock: Clock) -> AsyncIterator[Start]:
    """Start another bot (as another process would) on the test's database."""
    running: list[Container] = []

    async def started() -> Container:
        bot = Container(
            settings, source=RateLimitedSource(), analyzers=LoadedAnalyzers(), now=clock
        )
        await bot.start()
        await bot.start_background(_never_sends)
        running.append(bot)
        return bot

    yield started
    for bot in running:
        await bot.close()


def _state(bot: Container) -> int:
    return bot.scheduler.scheduler.state


async def test_the_second_scheduler_takes_over_when_the_first_stops_renewing(
    settings: Settings, start: Start, clock: Clock
) -> None:
    first, second = await start(), await start()
    assert first.scheduler.lease and second.scheduler.lease
    assert (_state(first), _state(second)) == (STATE_RUNNING, STATE_PAUSED)
    assert first.scheduler.scheduler.get_job(RETENTION_JOB) is not None

    # The passive one still serves /subscribe: the job goes to the shared store.
    await second.repositories.people.touch(7, 7, None)
    await second.service.subscribe(7, "natgeo", "daily")
    assert first.scheduler.scheduler.get_job(JOB) is not None
    second.scheduler.scheduler.remove_job(JOB)  # lost meanwhile: the taker rebuilds it

    await first.scheduler.lease.stop(release=False)  # hangs, or is killed: no more renewals
    lease = settings.subscriptions.scheduler_lease_seconds
    clock.at += timedelta(seconds=lease - 1)
    assert not await second.scheduler.lease.check()  # not expired yet
    assert _state(second) == STATE_PAUSED
    clock.at += timedelta(seconds=2)
    assert await second.scheduler.lease.check()
    assert _state(second) == STATE_RUNNING
    assert second.scheduler.scheduler.get_job(JOB) is not None  # reconciled on taking over
    assert second.scheduler.outcomes["jobs_repaired"] == 1

    # The first comes back: the lease is not its any more, so it stands by.
    assert not await first.scheduler.lease.check()
    assert _state(first) == STATE_PAUSED


async def test_a_clean_stop_hands_the_jobs_over_at_once(start: Start) -> None:
    first, second = await start(), await start()
    assert first.scheduler.lease and second.scheduler.lease
    assert not await second.scheduler.lease.check()
    await first.close()
    assert await second.scheduler.lease.check()  # the clock has not moved: it was given up
    assert _state(second) == STATE_RUNNING


async def test_a_holder_gone_from_this_machine_holds_nothing(settings: Settings) -> None:
    db = Database(settings.database_url)
    await db.migrate()
    rows, now = LeasesRepository(db), datetime.now(UTC)
    exited = await asyncio.create_subprocess_exec("true")  # a process of this machine, gone
    await exited.wait()
    try:
        elsewhere = Lease(rows, lambda: now, 30)
        elsewhere.holder = "another-machine:1:x"
        assert await elsewhere.hold()
        assert not await Lease(rows, lambda: now, 30).hold()  # alive as far as we can tell
        await elsewhere.release()
        gone = f"{socket.gethostname()}:{exited.pid}:x"
        assert await rows.acquire("scheduler", gone, now, 30)
        assert await Lease(rows, lambda: now, 30).hold()
    finally:
        await db.close()
