"""DigService: the one object the handlers, the CLI and the scheduler share."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Awaitable, Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from analyzers.pipeline import LoadedAnalyzers, Pipeline, load_analyzers
from analyzers.types import OTHER_STYLE, AlbumAnalysis, PhotoAnalysis
from bot.settings import Settings
from instagram.directory import DirectorySource, load_profile_folder
from instagram.errors import LoginRequired, RateLimited, SourceUnavailable
from instagram.models import FetchedProfile
from instagram.source import ProfileSource, ResolvesNames
from instagram.usernames import parse_username
from reports import charts, text
from service.admission import Admission
from service.analysis import (
    AnalysisService,
    Progress,
    _no_progress,
    thumbnail,
    unreadable_notes,
    warm_up,
)
from service.outbox import Outbox, Sender
from service.photo_memory import KeptPhoto, PhotoMemory
from service.records import profile_rows
from service.render import ChartRenderer, profile_jobs
from service.scheduler import ReportScheduler
from service.serialize import album_json, photo_json, profile_json
from service.subscriptions import Subscriptions
from storage.database import Database
from storage.repositories import Repositories
from storage.repositories.analyses import AnalysisRecord

log = logging.getLogger(__name__)


KEPT_SIDE = 512
"""Long side, in pixels, of the copy of a sent photo kept in memory for its heat map."""
PHOTO_SWEEP_SECONDS = 60.0
"""How often expired kept photos are dropped even when nobody uses the bot."""


def utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True)
class ExplainOffer:
    """A photo kept for "Why <style>?": the token its button carries, and what it explains."""

    token: str
    style: str
    position: int | None = None
    """The photo's place in its album (1-based), None for a single photo."""


@dataclass(frozen=True)
class Report:
    """What the person gets: a text, chart PNGs (name, bytes), and the JSON of the analysis."""

    text: str
    charts: list[tuple[str, bytes]]
    data: dict[str, Any]
    notes: list[str] = field(default_factory=list)
    """Extra lines for the person (e.g. which photos of an album were refused)."""
    explain: ExplainOffer | None = None
    """Set when the photo is kept briefly so a button can show why it has its style."""


def make_source(settings: Settings) -> ProfileSource:
    if settings.instagram.source == "directory":
        return DirectorySource(settings.resolve(settings.instagram.directory))
    from instagram.instaloader_source import InstaloaderSource

    session_file = settings.instagram.session_file
    return InstaloaderSource(
        session_file=settings.resolve(session_file) if session_file else None,
        session_user=settings.instagram.session_user or None,
    )


class DigService:
    def __init__(
        self,
        settings: Settings,
        *,
        source: ProfileSource | None = None,
        clock: Callable[[], float] = time.monotonic,
        now: Callable[[], datetime] = utc_now,
        analyzers: LoadedAnalyzers | None = None,
        chart_processes: int | None = None,
    ) -> None:
        """`analyzers` already loaded may be shared (tests, benchmarks); else start() loads them.

        Charts are drawn in `chart_processes` processes (default: one per worker thread); 0
        draws them in the worker threads (the command line, which makes one report)."""
        self.settings = settings
        self._loaded = analyzers
        self.now = now
        self.db = Database(settings.database_url, echo_sql=settings.storage.echo_sql)
        self.executor = ThreadPoolExecutor(
            settings.analysis.worker_count, thread_name_prefix="digbot-worker"
        )
        processes = settings.analysis.worker_count if chart_processes is None else chart_processes
        self.charts = ChartRenderer(processes, self.executor)
        self.source = source or make_source(settings)
        self.repositories = Repositories.open(self.db, now)
        self.people = self.repositories.people
        self.subscriptions = Subscriptions(
            self.repositories.subscriptions,
            self.repositories.snapshots,
            settings.subscriptions.max_per_person,
        )
        self.admission = Admission(
            settings.analysis.queue_size, settings.analysis.per_person_per_hour, clock
        )
        self.outbox = Outbox(
            self.repositories.outbox, poll_seconds=settings.subscriptions.outbox_poll_seconds
        )
        self.photos = PhotoMemory(settings.privacy.photo_memory_minutes * 60, clock)
        self._photo_sweep: asyncio.Task[None] | None = None
        self.scheduler = ReportScheduler(settings.database_url, settings.subscriptions)
        self._clock = clock
        self._analysis: AnalysisService | None = None
        self._model_versions: dict[str, str] = {}

    async def start(self) -> None:
        """Migrate the database and load every analyzer (in a worker: it takes a while)."""
        started = time.perf_counter()
        await self.db.migrate()
        log.info(
            "database ready (%s) in %.2f s",
            self.db.engine.dialect.name,
            time.perf_counter() - started,
        )
        started = time.perf_counter()
        loaded = self._loaded
        if loaded is None:
            loaded = await asyncio.get_running_loop().run_in_executor(self.executor, load_analyzers)
        analyzers: list[Any] = [*loaded.image, *loaded.profile]
        self._model_versions = {a.name: str(getattr(a, "version", "1")) for a in analyzers}
        self._analysis = AnalysisService(
            Pipeline(loaded),
            self.executor,
            self.source,
            max_posts=self.settings.instagram.max_posts,
            max_image_pixels=self.settings.analysis.max_image_pixels,
            cache_ttl_seconds=self.settings.instagram.cache_ttl_minutes * 60,
            clock=self._clock,
        )
        log.info(
            "analyzers ready in %.2f s: %s; not available: %s",
            time.perf_counter() - started,
            ", ".join(self._model_versions) or "none",
            ", ".join(self._analysis.pipeline.unavailable) or "none",
        )

    async def warm_up(self) -> None:
        """Every analyzer once on a made-up post, and the chart processes started with a chart
        each, before the first person's report (call after start()). The bot then calls
        gc.freeze(): the ~100,000 objects loaded lazily (langdetect, matplotlib's fonts, …) stay
        out of full collections, one of which took 0.8 s under load, stalling the event loop
        (benchmarks/bench_load.py)."""
        started = time.perf_counter()
        photo = await asyncio.get_running_loop().run_in_executor(
            self.executor, warm_up, self.analysis.pipeline
        )
        jobs = [("warm-up", charts.selfie_card, (photo,))] * max(1, self.charts.processes)
        await self.charts.render(jobs)
        log.info("warmed up in %.2f s", time.perf_counter() - started)

    async def start_background(self, send: Sender) -> None:
        """Start the report scheduler and the outbox's delivery loop (after start())."""
        await self.scheduler.start(self)
        self.outbox.start(send)
        self._photo_sweep = asyncio.create_task(self._sweep_photos())

    async def stop_background(self) -> None:
        if self._photo_sweep is not None:
            self._photo_sweep.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._photo_sweep
            self._photo_sweep = None
        await self.outbox.stop()
        self.scheduler.shutdown()

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

    @property
    def analysis(self) -> AnalysisService:
        if self._analysis is None:
            raise RuntimeError("DigService.start() has not run")
        return self._analysis

    async def canonical_username(self, username: str) -> str:
        """The profile's own name for what was typed (a link, '@Name', or in directory mode
        the folder's name): resolved once per profile, so every answer and record agrees."""
        if isinstance(self.source, ResolvesNames):
            return await self.source.canonical_username(username)
        return parse_username(username)

    async def profile_report(
        self, username: str, *, user_id: int | None, progress: Progress = _no_progress
    ) -> Report:
        """Fetch (or reuse the cached) profile, analyse it, store the results, draw the charts."""
        username = await self.canonical_username(username)
        return await self._profile_report(
            lambda: self.analysis.fetch(username), user_id=user_id, progress=progress
        )

    async def folder_report(self, folder: Path) -> Report:
        """The same analysis for a folder laid out as instaloader writes a profile."""
        max_posts = self.settings.instagram.max_posts
        return await self._profile_report(
            lambda: asyncio.to_thread(load_profile_folder, folder, max_posts), user_id=None
        )

    async def _profile_report(
        self,
        fetch: Callable[[], Awaitable[FetchedProfile]],
        *,
        user_id: int | None,
        progress: Progress = _no_progress,
    ) -> Report:
        async with self.admission.slot(user_id):
            fetched = await fetch()
            notes = unreadable_notes(fetched)
            analysis = await self.analysis.analyze_fetched(fetched, progress)
            report = profile_json(analysis)
            now = self.now()
            profile, posts = profile_rows(analysis, report, now)
            result = {k: v for k, v in report.items() if k != "posts"}
            await self.repositories.profiles.save_analysis(
                profile, posts, self._record("profile", result, user_id, now)
            )
            hide = self.settings.privacy.hide_sensitive_for_others
            pngs = await self.charts.render(profile_jobs(analysis, hide))
        summary = text.profile_summary(analysis)
        details = text.profile_details(analysis, hide_sensitive=hide)
        return Report(summary, pngs, report, [*notes, details] if details else notes)

    def _record(
        self, kind: str, result: dict[str, Any], user_id: int | None, now: datetime
    ) -> AnalysisRecord:
        """An analysis to store: derived numbers only (the photos are never kept)."""
        return AnalysisRecord(kind, result, user_id, self._model_versions, now)

    async def photo_report(self, data: bytes, *, user_id: int | None) -> Report:
        async with self.admission.slot(user_id):
            photo: PhotoAnalysis = await self.analysis.analyze_photo(data)
            result = photo_json(photo)
            await self.repositories.analyses.add(self._record("photo", result, user_id, self.now()))
            pngs = await self.charts.render([("selfie", charts.selfie_card, (photo,))])
            offer = await self._keep_for_explaining(user_id, photo)
        return Report(text.photo_summary(photo), pngs, result, explain=offer)

    async def album_report(self, photos: list[bytes], *, user_id: int | None) -> Report:
        async with self.admission.slot(user_id):
            album: AlbumAnalysis
            album, refused = await self.analysis.analyze_album(photos)
            result = album_json(album)
            await self.repositories.analyses.add(self._record("album", result, user_id, self.now()))
            pngs = await self.charts.render([("album", charts.album_chart, (album,))])
            best = album.ranking[0] if album.ranking else None
            offer = (
                await self._keep_for_explaining(user_id, album.photos[best], position=best + 1)
                if best is not None
                else None
            )
        notes = (
            [f"I could not open photo {', '.join(map(str, refused))}, so I left it out."]
            if refused
            else []
        )
        return Report(text.album_summary(album), pngs, result, notes, explain=offer)

    # --- "Why <style>?" ---------------------------------------------------------------------------

    async def _keep_for_explaining(
        self, user_id: int | None, photo: PhotoAnalysis, position: int | None = None
    ) -> ExplainOffer | None:
        """Keep a downsized copy of the photo in memory for a while, if a heat map can be drawn
        (not for `other`: there is no style to explain)."""
        style = photo.style
        if user_id is None or style is None or style.top == OTHER_STYLE or not self.photos.enabled:
            return None
        if self.analysis.backbone is None:
            return None
        loop = asyncio.get_running_loop()
        small = await loop.run_in_executor(self.executor, thumbnail, photo.image, KEPT_SIDE)
        token = self.photos.keep(KeptPhoto(user_id, small, style.top, position))
        return ExplainOffer(token, style.top, position)

    def kept_photo(self, user_id: int, token: str) -> KeptPhoto | None:
        """The photo behind a "Why <style>?" button, if it is still kept and is `user_id`'s."""
        return self.photos.recall(user_id, token)

    async def explain_photo(self, user_id: int, kept: KeptPhoto) -> bytes:
        """The JPEG of where the image-only style model looked for the kept photo's style.

        Counts as an analysis (the same admission limits); the work runs in the worker pool.
        """
        async with self.admission.slot(user_id):
            why = await self.analysis.explain_style(kept.image, kept.style)
            [(_, jpeg)] = await self.charts.render(
                [("why", charts.style_heatmap_chart, (kept.image.pixels, kept.style, why))]
            )
        return jpeg

    # --- people and subscriptions ---------------------------------------------------------------

    async def _release(self, followed: list[tuple[str, str]]) -> None:
        """Drop the jobs and shared data of (username, period) pairs nobody follows any more."""
        for username, period in await self.repositories.retention.release(followed):
            self.scheduler.drop(username, period)

    async def subscribe(self, user_id: int, username: str, period: str) -> bool:
        """Follow a profile; its job exists afterwards, and runs at once for a first snapshot."""
        username = await self.canonical_username(username)
        before = await self.subscriptions.period_of(user_id, username)
        if before is None:
            await self.subscriptions.check(user_id, period)
            # Refuse a missing or private profile now, not at the first run; when Instagram
            # cannot answer at the moment, the job itself will try later.
            async with self.admission.slot(user_id):
                with contextlib.suppress(RateLimited, LoginRequired, SourceUnavailable):
                    await self.analysis.fetch(username)
        changed = await self.subscriptions.subscribe(user_id, username, period)
        if before is not None and before != period:
            await self._release([(username, before)])
        has_snapshot = await self.subscriptions.has_snapshot(username, period)
        self.scheduler.ensure(username, period, run_now=not has_snapshot)
        return changed

    async def unsubscribe(self, user_id: int, username: str) -> bool:
        username = await self.canonical_username(username)
        period = await self.subscriptions.period_of(user_id, username)
        stopped = await self.subscriptions.unsubscribe(user_id, username)
        if period is not None:
            await self._release([(username, period)])
        return stopped

    def next_report_time(self, username: str, period: str) -> datetime | None:
        """When the job of (username, period) runs next (None when there is no job)."""
        return self.scheduler.next_run(username, period)

    async def forget(self, user_id: int) -> int:
        """Delete every row about the person, their unsent reports, jobs nobody else needs, and the
        photos kept in memory for their heat maps."""
        self.photos.forget(user_id)
        followed = [(v.username, v.period) for v in await self.subscriptions.list(user_id)]
        deleted = await self.people.forget(user_id)
        await self._release(followed)
        return deleted
