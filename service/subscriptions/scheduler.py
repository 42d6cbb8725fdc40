"""Scheduled change reports: one APScheduler job per (profile, period), kept in the database.

Jobs live in APScheduler's SQLAlchemy job store on the app's own database, so they survive
restarts; their functions are module-level and take only ids (a username and a period). A run
missed while the bot was down runs once at start (coalesce, `misfire_grace_hours`); runs are
spread with jitter. Every subscriber of a (profile, period) shares the job, so a profile is
fetched once per run however many people follow it. An Instagram rate limit postpones the run
(a one-off retry job, backoff doubling per attempt) instead of failing it.

The subscriptions table is the truth, the job store a copy: at start `reconcile` gives every
followed (profile, period) its job (lost or stale job store file) and drops jobs nobody follows.

A run fetches the profile fresh (bypassing the service's short cache on purpose: the point is
to see what changed), analyses only the posts its snapshot has not seen, compares with the
snapshot (`changes`) and, in one transaction, stores the new snapshot and writes the
report into every active subscriber's outbox. No change, no message (a "still quiet" line at
most every `quiet_days`). A profile followed both daily and weekly is fetched once when both
jobs fire together: the second run reuses the first one's fetch (`SHARE_SLACK_MINUTES`).
"""

from __future__ import annotations

import logging
from collections import Counter
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

from apscheduler.jobstores.base import BaseJobStore
from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.date import DateTrigger

from service.settings import SubscriptionSettings

if TYPE_CHECKING:
    from service.subscriptions.runs import ReportRuns


log = logging.getLogger(__name__)

RETENTION_JOB = "retention"
PERIOD_LENGTH = {"daily": timedelta(days=1), "weekly": timedelta(days=7)}


def job_id(username: str, period: str) -> str:
    return f"report:{period}:{username}"


def retry_job_id(username: str, period: str) -> str:
    return f"retry:{period}:{username}"


# --- job functions: module-level, ids only (what the job store pickles is just these names) ----


class ActiveRuns:
    """The one process-wide lookup the job functions need, and nothing else.

    The job store keeps a job as the import path of a module-level function and its arguments
    (ids only: DESIGN.md), so a job cannot carry the service: its function finds the runs of
    the scheduler running in this process here. ReportScheduler.start sets them and shutdown
    clears them; there is one scheduler per process (the container's).
    """

    def __init__(self) -> None:
        self._runs: ReportRuns | None = None

    def set(self, runs: ReportRuns) -> None:
        self._runs = runs

    def clear(self, runs: ReportRuns) -> None:
        """Forget `runs` (a scheduler shut down after another started keeps the newer one)."""
        if self._runs is runs:
            self._runs = None

    def get(self) -> ReportRuns:
        if self._runs is None:
            raise RuntimeError("no ReportScheduler is running in this process")
        return self._runs


ACTIVE_RUNS = ActiveRuns()


async def run_report_job(username: str, period: str) -> None:
    await ACTIVE_RUNS.get().run(username, period)


async def retry_report_job(username: str, period: str, attempt: int) -> None:
    await ACTIVE_RUNS.get().run(username, period, attempt=attempt)


async def purge_job() -> None:
    await ACTIVE_RUNS.get().purge()


# --- the scheduler -----------------------------------------------------------------------------


RUN_OUTCOMES = ("runs", "rate_limited", "not_fetched", "jobs_repaired")


class ReportScheduler:
    runs: ReportRuns | None = None
    """What the jobs do, once started: also run on demand ("What changed?")."""

    def __init__(self, jobs: BaseJobStore, settings: SubscriptionSettings) -> None:
        self.settings = settings
        self.outcomes: Counter[str] = Counter()
        """Runs and repairs since start by RUN_OUTCOMES (operator counters)."""
        self.scheduler = AsyncIOScheduler(
            jobstores={"default": jobs},
            job_defaults={
                "coalesce": True,
                "max_instances": 1,
                "misfire_grace_time": int(settings.misfire_grace_hours * 3600),
            },
            timezone=UTC,
        )

    def _trigger(self, period: str, *, jitter: bool = True) -> CronTrigger:
        return CronTrigger(
            day_of_week="mon" if period == "weekly" else "*",
            hour=self.settings.report_hour_utc,
            minute=0,
            jitter=(int(self.settings.jitter_minutes * 60) or None) if jitter else None,
            timezone=UTC,
        )

    async def start(self, runs: ReportRuns) -> None:
        """Start running jobs (missed ones run once now) with `runs`; adds the daily purge
        and makes the jobs match the subscriptions table (`reconcile`)."""
        self.runs = runs
        ACTIVE_RUNS.set(runs)
        followed = await runs.repositories.subscriptions.followed()
        self.scheduler.start()
        self.scheduler.add_job(
            purge_job,
            CronTrigger(hour=(self.settings.report_hour_utc + 12) % 24, timezone=UTC),
            id=RETENTION_JOB,
            replace_existing=True,
        )
        self.reconcile(followed, runs.now())
        self.rerun_first_runs(followed)

    def _missed(self, period: str, snapshot_taken_at: datetime | None, now: datetime) -> bool:
        """Whether a run of `period` was due since the snapshot (or there is none yet)."""
        if snapshot_taken_at is None:
            return True
        last_due = self._trigger(period, jitter=False).get_next_fire_time(
            None, now - PERIOD_LENGTH[period]
        )
        return last_due is not None and snapshot_taken_at < last_due

    def reconcile(self, followed: dict[tuple[str, str], datetime | None], now: datetime) -> None:
        """Jobs for exactly the followed (username, period) pairs, on the configured report
        hour and jitter; logs what it repaired.

        `followed` maps each pair to its snapshot's time (None without one). A job rebuilt
        runs at once when a run was due since that snapshot, as a missed run would.
        """
        jobs = {job.id: job for job in self.scheduler.get_jobs()}
        moved = sorted(
            key
            for key, job in jobs.items()
            if key.startswith("report:")
            and tuple(job.args[:2]) in followed
            and repr(job.trigger) != repr(self._trigger(job.args[1]))
        )
        for key in moved:
            self.scheduler.reschedule_job(key, trigger=self._trigger(jobs[key].args[1]))
        if moved:
            log.warning("jobs moved to the configured report time: %s", ", ".join(moved))
        self.outcomes["jobs_repaired"] += len(moved)
        missing = {pair: taken for pair, taken in followed.items() if job_id(*pair) not in jobs}
        for (username, period), taken_at in missing.items():
            self.ensure(username, period, run_now=self._missed(period, taken_at, now))
        added = sorted(job_id(*pair) for pair in missing)
        dropped = sorted(
            key
            for key, job in jobs.items()
            if key.startswith(("report:", "retry:")) and tuple(job.args[:2]) not in followed
        )
        for key in dropped:
            self.scheduler.remove_job(key)
        self.outcomes["jobs_repaired"] += len(added) + len(dropped)
        if added or dropped:
            log.warning(
                "jobs repaired from the subscriptions table: added %s; dropped %s",
                ", ".join(added) or "none",
                ", ".join(dropped) or "none",
            )

    def rerun_first_runs(self, followed: dict[tuple[str, str], datetime | None]) -> None:
        """Run at once every followed (username, period) whose first run never finished.

        APScheduler moves a job's next run time on before running it, so a process killed
        during a first run leaves a job due tomorrow and no baseline snapshot: without this,
        nothing would run until then. The run writes its snapshot and any messages in one
        transaction (messages go out through the outbox), so running it again never doubles a
        report.
        """
        now = datetime.now(UTC)
        jobs = {job.id: job for job in self.scheduler.get_jobs()}
        unfinished = sorted(
            pair
            for pair, taken_at in followed.items()
            if taken_at is None
            and job_id(*pair) in jobs
            and (jobs[job_id(*pair)].next_run_time or now) > now  # not due already, not paused
        )
        for username, period in unfinished:
            self.ensure(username, period, run_now=True)
        if unfinished:
            log.warning(
                "first runs that never finished run again now: %s",
                ", ".join(job_id(*pair) for pair in unfinished),
            )

    def shutdown(self) -> None:
        if self.scheduler.running:
            self.scheduler.shutdown(wait=False)
        if self.runs is not None:
            ACTIVE_RUNS.clear(self.runs)

    def ensure(self, username: str, period: str, *, run_now: bool) -> None:
        """The job of (username, period) exists; `run_now` also runs it at once (a baseline)."""
        key = job_id(username, period)
        now = datetime.now(UTC)
        if self.scheduler.get_job(key) is None:
            self.scheduler.add_job(
                run_report_job,
                self._trigger(period),
                args=[username, period],
                id=key,
                name=f"@{username} {period}",
                replace_existing=True,
                **({"next_run_time": now} if run_now else {}),
            )
        elif run_now:
            self.scheduler.modify_job(key, next_run_time=now)

    def drop(self, username: str, period: str) -> None:
        for key in (job_id(username, period), retry_job_id(username, period)):
            if self.scheduler.get_job(key) is not None:
                self.scheduler.remove_job(key)

    def next_run(self, username: str, period: str) -> datetime | None:
        job = self.scheduler.get_job(job_id(username, period))
        return None if job is None else job.next_run_time

    def postpone(self, username: str, period: str, attempt: int, retry_after: float) -> datetime:
        """Run again after `retry_after` doubled per attempt (capped); returns when."""
        cap = self.settings.rate_limit_max_backoff_hours * 3600
        when = datetime.now(UTC) + timedelta(seconds=min(cap, retry_after * 2**attempt))
        self.scheduler.add_job(
            retry_report_job,
            DateTrigger(when, timezone=UTC),
            args=[username, period, attempt + 1],
            id=retry_job_id(username, period),
            replace_existing=True,
        )
        return when
