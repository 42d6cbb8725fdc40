"""The composition root: builds every part of the app from the settings, and starts and stops
them in order.

Nothing else constructs the database, the repositories, the profile source, the worker and
chart processes, the analyzers, the scheduler or the outbox: the use-cases (`DigService`) are
handed what they need. Start order: database (migrations), analyzers (in a worker: it takes a
while), then, for a bot, the scheduler, the outbox's delivery loop and the kept photos' sweep;
stop runs it backwards.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import sys
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Literal

from analyzers.pipeline import LoadedAnalyzers, load_analyzers
from analyzers.types import PostAnalysis, ProfileAnalysis
from bot.malloc import give_back_freed_memory
from bot.settings import Settings
from instagram.directory import DirectorySource
from instagram.models import FetchedProfile
from instagram.source import ProfileSource
from service.admission import Admission
from service.analysis import warm_up
from service.app import DigService
from service.cache import LocalProfileCache, ProfileCache
from service.photo_memory import PhotoMemory, PhotoStore
from service.render import ChartRenderer
from service.subscriptions.following import Subscriptions
from service.subscriptions.outbox import Outbox, Sender
from service.subscriptions.runs import ReportRuns
from service.subscriptions.scheduler import ReportScheduler
from storage.database import Database
from storage.jobstore import job_store
from storage.repositories import Repositories

if TYPE_CHECKING:
    from arq import ArqRedis

    from bot.pacing import Pacer
    from service.admission import Counted
    from service.queue import TaskQueue

Role = Literal["embedded", "ingress", "worker"]
"""What this process does: everything (no queue), or one side of the distributed mode."""

log = logging.getLogger("digbot")
"""The stage lines of a start (the CLI's logger: an operator reads them as one story)."""

PHOTO_SWEEP_SECONDS = 60.0
"""How often expired kept photos are dropped even when nobody uses the bot."""


def _redis(url: str) -> ArqRedis:
    """A client of the queue's Redis (connects at first use)."""
    from bot.taskqueue import connect

    return connect(url)


def utc_now() -> datetime:
    return datetime.now(UTC)


def make_source(settings: Settings) -> ProfileSource:
    if settings.instagram.source == "directory":
        return DirectorySource(settings.resolve(settings.instagram.directory))
    from instagram.instaloader_source import InstaloaderSource

    session_file = settings.instagram.session_file
    return InstaloaderSource(
        session_file=settings.resolve(session_file) if session_file else None,
        session_user=settings.instagram.session_user or None,
    )


class Container:
    """Every part of the app, built once from `settings`; `service` is what handlers get."""

    def __init__(
        self,
        settings: Settings,
        *,
        source: ProfileSource | None = None,
        clock: Callable[[], float] = time.monotonic,
        now: Callable[[], datetime] = utc_now,
        analyzers: LoadedAnalyzers | None = None,
        chart_processes: int | None = None,
        role: Role = "embedded",
    ) -> None:
        """`analyzers` already loaded may be shared (tests, benchmarks); else start() loads them.

        Charts are drawn in `chart_processes` processes (default: one per worker thread); 0
        draws them in the worker threads (the command line, which makes one report).

        `role`: "ingress" (`digbot run` with a queue) loads no model and hands every analysis
        to the queue; "worker" (`digbot worker`) analyses what the queue holds."""
        if role != "embedded" and not settings.queue.url:
            raise ValueError(f"a {role} needs a queue: set [queue] url or DIGBOT_QUEUE")
        self.settings = settings
        self.role = role
        self.redis = _redis(settings.queue.url) if role != "embedded" else None
        self._loaded = analyzers
        self.db = Database(settings.database_url, echo_sql=settings.storage.echo_sql)
        self.repositories = Repositories.open(self.db, now)
        self.executor = ThreadPoolExecutor(
            settings.analysis.worker_count, thread_name_prefix="digbot-worker"
        )
        processes = settings.analysis.worker_count if chart_processes is None else chart_processes
        self.charts = ChartRenderer(processes, self.executor)
        self.source = source or make_source(settings)
        self.queue = self._task_queue()
        self.admission = self._admission(clock)
        self.outbox = Outbox(
            self.repositories.outbox, poll_seconds=settings.subscriptions.outbox_poll_seconds
        )
        self.photos = self._photo_store(clock)
        self.profiles = self._profile_cache(clock)
        self.scheduler = ReportScheduler(job_store(settings.database_url), settings.subscriptions)
        subscriptions = Subscriptions(
            self.repositories.subscriptions,
            self.repositories.snapshots,
            settings.subscriptions.max_per_person,
        )
        self.service = DigService(
            settings.service,
            repositories=self.repositories,
            subscriptions=subscriptions,
            source=self.source,
            executor=self.executor,
            charts=self.charts,
            admission=self.admission,
            outbox=self.outbox,
            photos=self.photos,
            profiles=self.profiles,
            scheduler=self.scheduler,
            now=now,
            queue=self.queue,
        )
        self._photo_sweep: asyncio.Task[None] | None = None

    def pacer(self) -> Pacer | None:
        """The Telegram pacing every sending process shares (in Redis), or None: the bot's own."""
        if self.redis is None:
            return None
        from bot.pacing_redis import RedisPacer

        return RedisPacer(self.redis)

    def _task_queue(self) -> TaskQueue | None:
        if self.role != "ingress":
            return None
        from bot.taskqueue import RedisTaskQueue

        assert self.redis is not None
        return RedisTaskQueue(self.redis)

    def _profile_cache(self, clock: Callable[[], float]) -> ProfileCache:
        """Fetched profiles in Redis when processes share them (the distributed mode)."""
        ttl = self.settings.instagram.cache_ttl_minutes * 60
        if self.redis is None:
            return LocalProfileCache(ttl, clock)
        from service.profile_cache_redis import RedisProfileCache

        return RedisProfileCache(self.redis, ttl)

    def _photo_store(self, clock: Callable[[], float]) -> PhotoStore:
        """Kept photos in Redis when processes share them (the distributed mode)."""
        ttl = self.settings.privacy.photo_memory_minutes * 60
        if self.redis is None:
            return PhotoMemory(ttl, clock)
        from service.photo_memory_redis import RedisPhotoMemory

        return RedisPhotoMemory(self.redis, ttl)

    def _admission(self, clock: Callable[[], float]) -> Counted:
        """The ingress admits in Redis, over every worker's queue; a worker takes what the queue
        gives it (the ingress admitted it); embedded, the limits are this process's."""
        analysis = self.settings.analysis
        if self.queue is not None:
            from service.admission_redis import RedisAdmission

            assert self.redis is not None
            return RedisAdmission(
                self.redis, analysis.queue_size, analysis.per_person_per_hour, self.queue.depth
            )
        if self.role == "worker":
            return Admission(analysis.worker_count, sys.maxsize, clock, in_turn=False)
        return Admission(analysis.queue_size, analysis.per_person_per_hour, clock)

    async def start(self) -> None:
        """Migrate the database and load every analyzer (in a worker: it takes a while).

        A `digbot worker` does not migrate: the ingress does, before it takes an update, so
        every task a worker gets comes after it (and workers starting together would race)."""
        give_back_freed_memory()
        started = time.perf_counter()
        if self.role != "worker":
            await self.db.migrate()
        log.info(
            "database ready (%s) in %.2f s",
            self.db.engine.dialect.name,
            time.perf_counter() - started,
        )
        if self.role == "ingress":  # it fetches (to check a subscription) but analyses nothing
            self.service.use(LoadedAnalyzers())
            log.info("ingress: analyses go to the queue; no model loaded")
            return
        started = time.perf_counter()
        loaded = self._loaded
        if loaded is None:
            loaded = await asyncio.get_running_loop().run_in_executor(self.executor, load_analyzers)
        analysis = self.service.use(loaded)
        log.info(
            "analyzers ready in %.2f s: %s; not available: %s",
            time.perf_counter() - started,
            ", ".join(self.service.model_versions) or "none",
            ", ".join(analysis.pipeline.unavailable) or "none",
        )

    async def warm_up(self) -> None:
        """Every analyzer once on a made-up post, and its selfie card drawn, before the first
        person's report (call after start()). The bot then calls gc.freeze(): the ~100,000
        objects loaded lazily (langdetect, the fonts, …) stay out of full collections, one of
        which took 0.8 s under load, stalling the event loop (benchmarks/bench_load.py). The
        chart processes (matplotlib: profiles, albums, heat maps) are not started here: they
        start with the first chart that needs them. The ingress has no model to warm."""
        if self.role == "ingress":
            return
        started = time.perf_counter()
        photo = await asyncio.get_running_loop().run_in_executor(
            self.executor, warm_up, self.service.analysis.pipeline
        )
        await self.charts.render([("warm-up", "reports.selfie:selfie_card", (photo,))], here=True)
        log.info("warmed up in %.2f s", time.perf_counter() - started)

    async def start_background(self, send: Sender) -> None:
        """Start the report scheduler and the outbox's delivery loop (after start())."""
        runs = ReportRuns(
            self.scheduler,
            source=self.source,
            analyze=self._analyze_fetched,
            repositories=self.repositories,
            render=self._engagement_chart,
            outbox=self.outbox,
            settings=self.settings.service,
            now=self.service.now,
        )
        await self.scheduler.start(runs)
        self.outbox.start(send)
        self._photo_sweep = asyncio.create_task(self._sweep_photos())

    async def _analyze_fetched(self, fetched: FetchedProfile) -> ProfileAnalysis:
        """A scheduled run's analysis (looked up at the run: the models load after the build);
        the ingress, which loads no model, has a worker do it."""
        if self.queue is not None:
            queue = self.settings.queue
            async with asyncio.timeout(queue.task_timeout_seconds * queue.max_tries):
                return await self.queue.analyse_fetched(fetched)
        return await self.service.analysis.analyze_fetched(fetched)

    async def _engagement_chart(
        self, posts: list[PostAnalysis], followers: int | None, title: str
    ) -> bytes:
        """A change report's chart, drawn where the profile reports' charts are."""
        path = "reports.profile_charts:engagement_chart"
        [(_, png)] = await self.charts.render([("engagement", path, (posts, followers, title))])
        return png

    async def stop_background(self) -> None:
        if self._photo_sweep is not None:
            self._photo_sweep.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._photo_sweep
            self._photo_sweep = None
        await self.outbox.stop()
        await self.scheduler.shutdown()

    async def _sweep_photos(self) -> None:
        """Drop expired kept photos on time, not only at the next use of the memory."""
        while True:
            await asyncio.sleep(PHOTO_SWEEP_SECONDS)
            self.photos.purge()

    async def close(self) -> None:
        await self.stop_background()
        await asyncio.to_thread(self.executor.shutdown, wait=True, cancel_futures=True)
        await asyncio.to_thread(self.charts.close)
        await self.db.close()
        if self.redis is not None:
            await self.redis.aclose()
