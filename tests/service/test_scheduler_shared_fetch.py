"""The scheduler: a profile followed daily and weekly is fetched once when both jobs run."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlalchemy import select

from analyzers.pipeline import LoadedAnalyzers
from bot.container import Container
from bot.settings import Settings
from instagram.directory import DirectorySource
from service.subscriptions.scheduler import run_report_job
from storage.models import OutboxMessage
from tests.e2e.subscribing import USERNAME, Clock, CountingSource, write_posts

pytestmark = pytest.mark.both_backends

DAILY, WEEKLY = 7, 8


async def _sends_nothing(_: int, __: str, ___: bytes | None, ____: str | None = None) -> None:
    """The delivery loop's sender: these tests read the outbox rows instead."""


@pytest.fixture
async def service(settings: Settings, profiles_root: Path) -> AsyncIterator[Container]:
    source = CountingSource(DirectorySource(profiles_root))
    svc = Container(settings, source=source, now=Clock(), analyzers=LoadedAnalyzers())
    await svc.start()
    await svc.start_background(_sends_nothing)
    svc.scheduler.scheduler.pause()  # runs happen when the test calls the job function
    await svc.outbox.stop()
    write_posts(profiles_root, 4)
    for person, period in ((DAILY, "daily"), (WEEKLY, "weekly")):
        await svc.repositories.people.touch(person, person, None)
        await svc.service.subscribe(person, USERNAME, period)
    try:
        yield svc
    finally:
        await svc.close()


def _fetches(service: Container) -> int:
    assert isinstance(service.source, CountingSource)
    return service.source.fetches[USERNAME]


async def _reports(service: Container, person: int) -> list[str]:
    async with service.db.session() as session:
        texts = await session.scalars(
            select(OutboxMessage.text)
            .where(OutboxMessage.user_id == person)
            .order_by(OutboxMessage.id)
        )
        return [t for t in texts if "What changed" in t]


async def _both_periods(service: Container) -> None:
    await run_report_job(USERNAME, "daily")
    await run_report_job(USERNAME, "weekly")


async def test_daily_and_weekly_share_one_fetch_and_keep_their_own_reports(
    service: Container, profiles_root: Path
) -> None:
    clock = service.service.now
    assert isinstance(clock, Clock)
    before = _fetches(service)
    await _both_periods(service)  # the two baselines
    assert _fetches(service) == before + 1

    clock.advance(days=1)
    write_posts(profiles_root, 5)
    await run_report_job(USERNAME, "daily")
    assert _fetches(service) == before + 2

    clock.advance(days=6)
    write_posts(profiles_root, 6)
    await _both_periods(service)  # the weekly day: both jobs fire
    assert _fetches(service) == before + 3
    assert ["1 new post" in t for t in await _reports(service, DAILY)] == [True, True]
    weekly = await _reports(service, WEEKLY)
    assert len(weekly) == 1 and "2 new posts" in weekly[0]  # against last week's snapshot


async def test_a_fetch_is_not_reused_after_the_window(service: Container) -> None:
    clock = service.service.now
    assert isinstance(clock, Clock)
    before = _fetches(service)
    await run_report_job(USERNAME, "daily")
    clock.advance(minutes=service.settings.subscriptions.jitter_minutes + 11)
    await run_report_job(USERNAME, "weekly")
    assert _fetches(service) == before + 2


async def test_a_fetch_is_kept_only_when_another_period_is_followed(service: Container) -> None:
    await service.service.unsubscribe(WEEKLY, USERNAME)
    before = _fetches(service)
    await run_report_job(USERNAME, "daily")
    await service.service.subscribe(WEEKLY, USERNAME, "weekly")
    await run_report_job(USERNAME, "weekly")
    assert _fetches(service) == before + 2
