"""DigService: the one object the handlers, the CLI and the scheduler share."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable
from concurrent.futures import Executor
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from analyzers.images import sniff_image_format
from analyzers.pipeline import LoadedAnalyzers, Pipeline
from analyzers.types import OTHER_STYLE, AlbumAnalysis, PhotoAnalysis
from instagram.directory import load_profile_folder
from instagram.errors import LoginRequired, RateLimited, SourceUnavailable
from instagram.models import FetchedProfile
from instagram.source import ProfileSource, ResolvesNames
from instagram.usernames import parse_username
from reports import album_text, profile_text, selfie
from service.admission import Counted
from service.analysis import (
    AnalysisService,
    Progress,
    _no_progress,
    thumbnail,
    unreadable_notes,
)
from service.cache import ProfileCache
from service.photo_memory import KeptPhoto, PhotoStore
from service.queue import AnalysisTask, Enqueued, TaskKind, TaskQueue, reply_to
from service.records import profile_rows
from service.render import ChartRenderer, profile_jobs
from service.serialize import album_json, photo_json, profile_json
from service.settings import ServiceSettings
from service.subscriptions.following import Subscriptions
from service.subscriptions.outbox import Outbox
from service.subscriptions.scheduler import ReportScheduler
from storage.repositories import Repositories
from storage.repositories.analyses import AnalysisRecord
from storage.repositories.subscriptions import SubscriptionView

log = logging.getLogger(__name__)


KEPT_SIDE = 512
"""Long side, in pixels, of the copy of a sent photo kept in memory for its heat map."""


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


class DigService:
    """The use-cases the handlers, the CLI and the scheduler share (built by bot.container)."""

    def __init__(
        self,
        settings: ServiceSettings,
        *,
        repositories: Repositories,
        subscriptions: Subscriptions,
        source: ProfileSource,
        executor: Executor,
        charts: ChartRenderer,
        admission: Counted,
        outbox: Outbox,
        photos: PhotoStore,
        profiles: ProfileCache,
        scheduler: ReportScheduler,
        now: Callable[[], datetime],
        queue: TaskQueue | None = None,
    ) -> None:
        """With a `queue` (the ingress of the distributed mode), every analysis goes to a worker."""
        self.settings = settings
        self.repositories = repositories
        self.subscriptions = subscriptions
        self.source = source
        self.executor = executor
        self.charts = charts
        self.admission = admission
        self.outbox = outbox
        self.photos = photos
        self.profiles = profiles
        self.scheduler = scheduler
        self.now = now
        self.queue = queue
        self._analysis: AnalysisService | None = None
        self.model_versions: dict[str, str] = {}

    @property
    def hands_off(self) -> bool:
        """Whether analyses go to worker processes (which answer on the status line shown by
        the ingress, so it must be shown before the hand-off)."""
        return self.queue is not None

    def use(self, loaded: LoadedAnalyzers) -> AnalysisService:
        """Analyse with these analyzers from now on (the container loads them at start)."""
        analyzers: list[Any] = [*loaded.image, *loaded.profile]
        self.model_versions = {a.name: str(getattr(a, "version", "1")) for a in analyzers}
        self._analysis = AnalysisService(
            Pipeline(loaded),
            self.executor,
            self.source,
            max_posts=self.settings.instagram.max_posts,
            max_image_pixels=self.settings.analysis.max_image_pixels,
            profiles=self.profiles,
        )
        return self._analysis

    @property
    def analysis(self) -> AnalysisService:
        if self._analysis is None:
            raise RuntimeError("Container.start() has not run")
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
        await self._hand_off("profile", user_id, username=username)
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
        summary = profile_text.profile_summary(analysis)
        details = profile_text.profile_details(analysis, hide_sensitive=hide)
        return Report(summary, pngs, report, [*notes, details] if details else notes)

    async def _hand_off(self, kind: TaskKind, user_id: int | None, **what: Any) -> None:
        """With a queue, put the analysis on it for a worker (admitted as any analysis is) and
        raise Enqueued: the worker replies. Without one, return: the analysis runs here."""
        if self.queue is None:
            return
        target = reply_to()
        if target is None or user_id is None:
            raise RuntimeError("an analysis can be handed to a worker only while answering someone")
        async with self.admission.slot(user_id):
            await self.queue.submit(AnalysisTask(kind, user_id, target, **what))
        raise Enqueued(kind)

    def _record(
        self, kind: str, result: dict[str, Any], user_id: int | None, now: datetime
    ) -> AnalysisRecord:
        """An analysis to store: derived numbers only (the photos are never kept)."""
        return AnalysisRecord(kind, result, user_id, self.model_versions, now)

    async def photo_report(self, data: bytes, *, user_id: int | None) -> Report:
        await self._hand_off("photo", user_id, photos=(data,))
        async with self.admission.slot(user_id):
            photo: PhotoAnalysis = await self.analysis.analyze_photo(data)
            result = photo_json(photo)
            await self.repositories.analyses.add(self._record("photo", result, user_id, self.now()))
            pngs = await self.charts.render(
                [("selfie", "reports.selfie:selfie_card", (photo,))], here=True
            )
            offer = await self._keep_for_explaining(user_id, photo)
        return Report(selfie.photo_summary(photo), pngs, result, explain=offer)

    async def album_report(self, photos: list[bytes], *, user_id: int | None) -> Report:
        await self._hand_off("album", user_id, photos=tuple(photos))
        async with self.admission.slot(user_id):
            album: AlbumAnalysis
            album, refused = await self.analysis.analyze_album(photos)
            result = album_json(album)
            await self.repositories.analyses.add(self._record("album", result, user_id, self.now()))
            pngs = await self.charts.render([("album", "reports.album:album_chart", (album,))])
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
        return Report(album_text.album_summary(album), pngs, result, notes, explain=offer)

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
        token = await self.photos.keep(KeptPhoto(user_id, small, style.top, position))
        return ExplainOffer(token, style.top, position)

    async def kept_photo(self, user_id: int, token: str) -> KeptPhoto | None:
        """The photo behind a "Why <style>?" button, if it is still kept and is `user_id`'s."""
        return await self.photos.recall(user_id, token)

    async def explain_photo(self, user_id: int, kept: KeptPhoto) -> bytes:
        """The JPEG of where the image-only style model looked for the kept photo's style.

        Counts as an analysis (the same admission limits); the work runs in the worker pool.
        """
        await self._hand_off("explain", user_id, kept=kept)
        async with self.admission.slot(user_id):
            why = await self.analysis.explain_style(kept.image, kept.style)
            [(_, jpeg)] = await self.charts.render(
                [
                    (
                        "why",
                        "reports.heatmap:style_heatmap_chart",
                        (kept.image.pixels, kept.style, why),
                    )
                ]
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

    @staticmethod
    def is_image(data: bytes) -> bool:
        """Whether `data` starts as an image file does (a photo sent as a document)."""
        return sniff_image_format(data) is not None

    async def touch(self, user_id: int, chat_id: int, language: str | None) -> bool:
        """Record that the person is here; True when they had blocked the bot before."""
        return await self.repositories.people.touch(user_id, chat_id, language)

    async def set_blocked(self, user_id: int, blocked: bool) -> None:
        """The person blocked (or unblocked) the bot; unblocked, their waiting reports go out."""
        await self.repositories.people.set_blocked(user_id, blocked)
        if not blocked:
            self.outbox.wake()

    async def export(self, user_id: int) -> dict[str, Any]:
        """Every row about the person, table by table, plus the usernames they follow."""
        return await self.repositories.people.export(user_id)

    async def followed(self, user_id: int) -> list[SubscriptionView]:
        """The profiles the person follows, by name."""
        return await self.subscriptions.list(user_id)

    async def forget(self, user_id: int) -> int:
        """Delete every row about the person, their unsent reports, jobs nobody else needs, and the
        photos kept in memory for their heat maps."""
        await self.photos.forget(user_id)
        followed = [(v.username, v.period) for v in await self.subscriptions.list(user_id)]
        deleted = await self.repositories.people.forget(user_id)
        await self._release(followed)
        return deleted
