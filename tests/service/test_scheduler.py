"""The scheduler: jobs persist in the database, are shared, and back off on rate limits."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import pytest

from analyzers.pipeline import LoadedAnalyzers
from bot.container import Container
from bot.settings import Settings
from instagram.errors import RateLimited
from instagram.models import FetchedProfile
from service.subscriptions.scheduler import (
    RETENTION_JOB,
    job_id,
    retry_job_id,
    retry_report_job,
    run_report_job,
)

pytestmark = pytest.mark.both_backends

RETRY_AFTER = 600.0


class RateLimitedSource:
    def __init__(self) -> None:
        self.calls = 0

    async def fetch(self, username: str, max_posts: int) -> FetchedProfile:
        self.calls += 1
        raise RateLimited("429", retry_after=RETRY_AFTER)


async def _never_sends(_: int, __: str, ___: bytes | None, ____: str | None = None) -> None:
    raise AssertionError("nothing should be sent")


@pytest.fixture
async def service(settings: Settings) -> AsyncIterator[Container]:
    svc = Container(settings, source=RateLimitedSource(), analyzers=LoadedAnalyzers())
    await svc.start()
    await svc.start_background(_never_sends)
    svc.scheduler.scheduler.pause()
    await svc.repositories.people.touch(7, 7, None)
    try:
        yield svc
    finally:
        await svc.close()


def _seconds_from_now(moment: datetime | None) -> float:
    assert moment is not None
    return (moment - datetime.now(UTC)).total_seconds()


async def test_rate_limit_postpones_with_doubling_backoff(service: Container) -> None:
    await service.service.subscribe(7, "natgeo", "weekly")
    await run_report_job("natgeo", "weekly")
    retry = service.scheduler.scheduler.get_job(retry_job_id("natgeo", "weekly"))
    assert retry is not None and retry.args == ("natgeo", "weekly", 1)
    assert RETRY_AFTER - 60 < _seconds_from_now(retry.next_run_time) <= RETRY_AFTER

    await retry_report_job("natgeo", "weekly", 1)
    retry = service.scheduler.scheduler.get_job(retry_job_id("natgeo", "weekly"))
    assert retry is not None and retry.args == ("natgeo", "weekly", 2)
    assert 2 * RETRY_AFTER - 60 < _seconds_from_now(retry.next_run_time) <= 2 * RETRY_AFTER
    assert service.scheduler.scheduler.get_job(job_id("natgeo", "weekly")) is not None
    assert service.scheduler.scheduler.get_job(RETENTION_JOB) is not None  # the daily purge


async def test_jobs_survive_a_new_scheduler_and_go_with_the_last_subscriber(
    settings: Settings, service: Container
) -> None:
    await service.repositories.people.touch(8, 8, None)
    await service.service.subscribe(7, "natgeo", "daily")
    await service.service.subscribe(8, "natgeo", "daily")
    first = service.service.next_report_time("natgeo", "daily")
    await service.close()

    again = Container(settings, source=RateLimitedSource(), analyzers=LoadedAnalyzers())
    await again.start()
    await again.start_background(_never_sends)
    again.scheduler.scheduler.pause()
    try:
        assert again.service.next_report_time("natgeo", "daily") == first
        await again.service.subscribe(7, "natgeo", "weekly")  # a period change moves the person
        # 8 still follows daily
        assert again.service.next_report_time("natgeo", "daily") is not None
        await again.service.unsubscribe(8, "natgeo")
        assert again.service.next_report_time("natgeo", "daily") is None
        assert again.service.next_report_time("natgeo", "weekly") is not None
        now = datetime.now(UTC)
        next_weekly = again.service.next_report_time("natgeo", "weekly")
        assert next_weekly is not None and next_weekly - now <= timedelta(days=7, hours=1)
    finally:
        await again.close()
