"""ReportScheduler.reconcile: the subscriptions table rebuilds a lost or stale job store."""

from __future__ import annotations

import logging
import pickle
import sqlite3
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import closing
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from analyzers.pipeline import LoadedAnalyzers
from bot.container import Container
from bot.settings import Settings
from instagram.errors import RateLimited
from instagram.models import FetchedProfile
from service.subscriptions.scheduler import job_id, retry_job_id, retry_report_job, run_report_job
from storage.models import Profile, Snapshot
from tests.e2e.subscribing import jobs_file

Start = Callable[[], Awaitable[Container]]


class RateLimitedSource:
    async def fetch(self, username: str, max_posts: int) -> FetchedProfile:
        raise RateLimited("429", retry_after=600.0)


async def _never_sends(_: int, __: str, ___: bytes | None, ____: str | None = None) -> None:
    raise AssertionError("nothing should be sent")


@pytest.fixture
def settings(settings: Settings) -> Settings:
    """Reports 12 hours from now's hour, without jitter: a regular run is never close to now
    (these tests read the wall clock, and the weekly slot would otherwise come round on a
    Monday morning)."""
    subscriptions = settings.subscriptions.model_copy(
        update={"report_hour_utc": (datetime.now(UTC).hour + 12) % 24, "jitter_minutes": 0}
    )
    return settings.model_copy(update={"subscriptions": subscriptions})


@pytest.fixture
async def start(settings: Settings) -> AsyncIterator[Start]:
    """Start a service on the test's database, its scheduler paused; closed at the end."""
    running: list[Container] = []

    async def started() -> Container:
        service = Container(settings, source=RateLimitedSource(), analyzers=LoadedAnalyzers())
        await service.start()
        await service.start_background(_never_sends)
        service.scheduler.scheduler.pause()
        running.append(service)
        return service

    yield started
    for service in running:
        await service.close()


async def _following(start: Start, *follows: tuple[str, str]) -> Container:
    """A started service where person 7 (then 8) follows each (username, period) given."""
    service = await start()
    await service.repositories.people.touch(7, 7, None)
    await service.repositories.people.touch(8, 8, None)
    for person, (username, period) in zip((7, 8), follows, strict=False):
        await service.service.subscribe(person, username, period)
    return service


async def _snapshot(service: Container, username: str, period: str, taken_at: datetime) -> None:
    async with service.db.session() as session:
        profile_id = await session.scalar(select(Profile.id).where(Profile.username == username))
        assert profile_id is not None
        session.add(Snapshot(profile_id=profile_id, period=period, taken_at=taken_at, data={}))


def _seconds_until(service: Container, username: str, period: str) -> float:
    when = service.service.next_report_time(username, period)
    assert when is not None, f"no job for @{username} {period}"
    return (when - datetime.now(UTC)).total_seconds()


async def test_a_lost_job_store_is_rebuilt_from_the_subscriptions(
    settings: Settings, start: Start, caplog: pytest.LogCaptureFixture
) -> None:
    service = await _following(start, ("natgeo", "daily"), ("nasa", "weekly"))
    now = datetime.now(UTC)
    await _snapshot(service, "nasa", "weekly", now)  # nasa's weekly run just happened
    await service.close()
    jobs_file(Path(settings.storage.database)).unlink()

    with caplog.at_level(logging.WARNING, logger="service.subscriptions.scheduler"):
        again = await start()
    assert _seconds_until(again, "natgeo", "daily") < 5  # no snapshot yet: the baseline, now
    assert _seconds_until(again, "nasa", "weekly") > 10 * 3600  # the regular slot: 11-12 h away
    assert [r.message for r in caplog.records if "repaired" in r.message] == [
        "jobs repaired from the subscriptions table: added "
        f"{job_id('natgeo', 'daily')}, {job_id('nasa', 'weekly')}; dropped none"
    ]
    assert again.scheduler.outcomes["jobs_repaired"] == 2


async def test_a_rebuilt_job_runs_now_when_a_run_was_missed(
    settings: Settings, start: Start
) -> None:
    service = await _following(start, ("natgeo", "daily"))
    await _snapshot(service, "natgeo", "daily", datetime.now(UTC) - timedelta(days=1, hours=1))
    await service.close()
    jobs_file(Path(settings.storage.database)).unlink()

    again = await start()
    assert _seconds_until(again, "natgeo", "daily") < 5


async def test_jobs_nobody_follows_are_dropped(start: Start) -> None:
    service = await _following(start, ("natgeo", "daily"))
    scheduler = service.scheduler.scheduler
    # A stale store: jobs whose subscriptions are gone (e.g. deleted while the file was away).
    for key, function, args in (
        (job_id("ghost", "weekly"), run_report_job, ["ghost", "weekly"]),
        (retry_job_id("ghost", "weekly"), retry_report_job, ["ghost", "weekly", 1]),
        (retry_job_id("natgeo", "weekly"), retry_report_job, ["natgeo", "weekly", 1]),
    ):
        scheduler.add_job(function, "interval", days=1, args=args, id=key)
    await service.close()

    again = await start()
    ids = sorted(job.id for job in again.scheduler.scheduler.get_jobs())
    assert ids == sorted([job_id("natgeo", "daily"), "retention"])


async def test_a_new_report_hour_moves_the_stored_jobs(
    settings: Settings, start: Start, caplog: pytest.LogCaptureFixture
) -> None:
    service = await _following(start, ("natgeo", "daily"))
    await _snapshot(service, "natgeo", "daily", datetime.now(UTC))  # no run is missed
    await service.close()
    hour = (settings.subscriptions.report_hour_utc + 3) % 24
    moved = settings.model_copy(
        update={
            "subscriptions": settings.subscriptions.model_copy(update={"report_hour_utc": hour})
        }
    )

    again = Container(moved, source=RateLimitedSource(), analyzers=LoadedAnalyzers())
    with caplog.at_level(logging.WARNING, logger="service.subscriptions.scheduler"):
        await again.start()
        await again.start_background(_never_sends)
    try:
        when = again.service.next_report_time("natgeo", "daily")
        assert when is not None and when.astimezone(UTC).hour == hour and when.minute == 0
        assert f"jobs moved to the configured report time: {job_id('natgeo', 'daily')}" in [
            r.message for r in caplog.records
        ]
    finally:
        await again.close()


def _move_stored_functions(jobs: Path, new: str, old: str) -> list[str]:
    """Rewrite every stored job's function path from module `new` to `old`, as a job store
    written by an older release holds them; returns the stored paths (after the rewrite)."""
    stored = []
    with closing(sqlite3.connect(jobs)) as db, db:
        for key, blob in db.execute("SELECT id, job_state FROM apscheduler_jobs").fetchall():
            state = pickle.loads(blob)
            state["func"] = state["func"].replace(f"{new}:", f"{old}:")
            stored.append(state["func"])
            db.execute(
                "UPDATE apscheduler_jobs SET job_state = ? WHERE id = ?", (pickle.dumps(state), key)
            )
    return sorted(stored)


async def test_jobs_stored_under_an_old_module_path_are_rebuilt(
    settings: Settings, start: Start, caplog: pytest.LogCaptureFixture
) -> None:
    """Jobs were stored as `service.scheduler:run_report_job` before service/subscriptions/:
    such a store cannot import them any more, drops them, and the reconcile at start rebuilds
    them from the subscriptions table."""
    service = await _following(start, ("natgeo", "daily"))
    await service.close()
    jobs = jobs_file(Path(settings.storage.database))
    new, old = "service.subscriptions.scheduler", "service.scheduler"
    assert _move_stored_functions(jobs, new, old) == [f"{old}:purge_job", f"{old}:run_report_job"]

    with caplog.at_level(logging.WARNING, logger="service.subscriptions.scheduler"):
        again = await start()
    job = again.scheduler.scheduler.get_job(job_id("natgeo", "daily"))
    assert job is not None and job.func is run_report_job
    repaired = f"jobs repaired from the subscriptions table: added {job_id('natgeo', 'daily')}"
    assert f"{repaired}; dropped none" in [r.message for r in caplog.records]
    await again.close()
    assert _move_stored_functions(jobs, new, new) == [f"{new}:purge_job", f"{new}:run_report_job"]
