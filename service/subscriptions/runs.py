"""One run of a (profile, period) job: fetch fresh, analyse only the posts the snapshot has not
seen, compare (`changes`), and store the new snapshot with every active subscriber's report in
one transaction (the outbox delivers it). An Instagram rate limit postpones the run through the
scheduler. A profile followed both daily and weekly is fetched once when both jobs fire
together: the second run reuses the first one's fetch (`SHARE_SLACK_MINUTES`).

A run gets what it needs — the source, the analysis use-case, the repositories, a renderer for
its chart, the outbox — not the whole service.
"""

from __future__ import annotations

import asyncio
import logging
from collections import defaultdict
from collections.abc import Awaitable, Callable
from dataclasses import replace
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Literal

from analyzers.types import PostAnalysis, ProfileAnalysis
from instagram.errors import InstagramError, RateLimited
from instagram.models import FetchedProfile
from instagram.source import ProfileSource
from service.analysis import post_text
from service.settings import ServiceSettings
from service.subscriptions.changes import (
    ProfileState,
    Thresholds,
    change_text,
    compare,
    quiet_text,
    state_of,
)
from service.subscriptions.changes import unseen as unseen_posts
from service.subscriptions.outbox import Outbox
from service.subscriptions.scheduler import job_id
from storage.repositories import Repositories
from storage.repositories.outbox import Outgoing
from storage.repositories.snapshots import ProfileCounts, SnapshotRecord

if TYPE_CHECKING:
    from service.subscriptions.scheduler import ReportScheduler

log = logging.getLogger(__name__)

MAX_RATE_LIMIT_ATTEMPTS = 6
SHARE_SLACK_MINUTES = 10.0
"""A fetch is reused by another period's run within `jitter_minutes` plus this much."""
RunOutcome = Literal["reported", "nothing_new", "first_look", "not_fetched", "nobody"]
"""What one run did: wrote a report to the outbox, found nothing to tell, took the first
snapshot (nothing to compare with), could not fetch, or found nobody to tell."""


def _trend_posts(fetched: FetchedProfile, analysed: ProfileAnalysis | None) -> list[PostAnalysis]:
    """Every post of the fetch for the trend chart; the newly analysed ones carry their style."""
    known = {p.shortcode: p for p in analysed.posts} if analysed is not None else {}
    return [
        known.get(p.shortcode)
        or PostAnalysis(
            p.shortcode,
            p.taken_at,
            p.likes,
            p.comments,
            p.is_video,
            post_text(p),
            [],
        )
        for p in fetched.posts
    ]


Analyze = Callable[[FetchedProfile], Awaitable[ProfileAnalysis]]
"""The analysis use-case: a fetched profile's (new) posts analysed."""
Renderer = Callable[[list[PostAnalysis], int | None, str], Awaitable[bytes]]
"""Draws the likes-and-comments chart of posts (followers, title) off the event loop."""


class ReportRuns:
    """What a job does: fetch, analyse what is new, compare, store and write the outbox."""

    def __init__(
        self,
        scheduler: ReportScheduler,
        *,
        source: ProfileSource,
        analyze: Analyze,
        repositories: Repositories,
        render: Renderer,
        outbox: Outbox,
        settings: ServiceSettings,
        now: Callable[[], datetime],
    ) -> None:
        self.scheduler = scheduler
        self.source = source
        self.analyze = analyze
        self.repositories = repositories
        self.render = render
        self.outbox = outbox
        self.settings = settings
        self.now = now
        self.thresholds = Thresholds()
        self._locks: defaultdict[str, asyncio.Lock] = defaultdict(asyncio.Lock)
        self._fetching: defaultdict[str, asyncio.Lock] = defaultdict(asyncio.Lock)
        self._shared: dict[str, tuple[datetime, str, FetchedProfile]] = {}
        """A fetch kept for another period's run of the profile: username → when, period, what."""
        self.share_for = timedelta(minutes=scheduler.settings.jitter_minutes + SHARE_SLACK_MINUTES)

    async def _fetch(self, username: str, period: str, *, share: bool) -> FetchedProfile:
        """A fresh fetch, or the one another period's run made at most `share_for` ago.

        The daily and the weekly job of a profile fire within `jitter_minutes` of each other
        on the weekly day: the first keeps its fetch (when `share`: the other period is
        followed) and the second takes it, so Instagram is asked once. Each run still compares
        with its own period's snapshot. A kept fetch holds images: it is forgotten once taken
        or when `share_for` has passed.
        """
        async with self._fetching[username]:
            now = self.now()
            kept = self._shared.pop(username, None)
            if kept is not None and kept[1] != period and now - kept[0] <= self.share_for:
                log.info("@%s %s: reusing the %s run's fetch", username, period, kept[1])
                return kept[2]
            fetched = await self.source.fetch(username, self.settings.instagram.max_posts)
            if share:
                self._shared[username] = (now, period, fetched)
                asyncio.get_running_loop().call_later(
                    self.share_for.total_seconds(), self._forget_shared, username, fetched
                )
            return fetched

    def _forget_shared(self, username: str, fetched: FetchedProfile) -> None:
        kept = self._shared.get(username)
        if kept is not None and kept[2] is fetched:
            del self._shared[username]

    async def run(self, username: str, period: str, *, attempt: int = 0) -> RunOutcome:
        """One run of the (profile, period) job, scheduled or asked for ("What changed?")."""
        async with self._locks[job_id(username, period)]:
            subscriptions = self.repositories.subscriptions
            subscribers = await subscriptions.subscribers(username, period)
            share = await subscriptions.followed_otherwise(username, period)
            if subscribers.total == 0:
                self.scheduler.drop(username, period)
                return "nobody"
            if not subscribers.active:
                log.info("@%s %s: every subscriber blocked the bot; paused", username, period)
                return "nobody"
            try:
                fetched = await self._fetch(username, period, share=share)
            except RateLimited as error:
                self.scheduler.outcomes["rate_limited"] += 1
                if attempt >= MAX_RATE_LIMIT_ATTEMPTS:
                    log.warning("@%s %s: still rate limited; next regular run", username, period)
                    return "not_fetched"
                when = self.scheduler.postpone(username, period, attempt, error.retry_after)
                log.warning("@%s %s: rate limited, postponed to %s", username, period, when)
                return "not_fetched"
            except InstagramError as error:
                self.scheduler.outcomes["not_fetched"] += 1
                log.warning(
                    "@%s %s: not fetched (%s); next run tries again", username, period, error
                )
                return "not_fetched"
            outcome = await self._report(fetched, period)
            self.scheduler.outcomes["runs"] += 1
            return outcome

    async def _report(self, fetched: FetchedProfile, period: str) -> RunOutcome:
        now = self.now()
        snapshot = await self.repositories.snapshots.load(fetched.username, period)
        old = ProfileState.from_json(snapshot.data) if snapshot is not None else None
        fresh = fetched.posts if old is None else unseen_posts(old, fetched.posts)
        analysed = await self.analyze(replace(fetched, posts=fresh)) if fresh else None
        styles = {p.shortcode: p.style for p in old.posts} if old is not None else {}
        personality = old.personality if old is not None else None
        if analysed is not None:
            styles.update({p.shortcode: p.style.top if p.style else None for p in analysed.posts})
            traits = analysed.personality.scores if analysed.personality else None
            personality = traits or personality
        new = state_of(fetched, styles, personality)
        messages = await self._messages(fetched, old, new, analysed, snapshot, now)
        await self._store(fetched, period, new, messages, now)
        if messages:
            self.outbox.wake()
            return "reported"
        return "first_look" if old is None else "nothing_new"

    async def _messages(
        self,
        fetched: FetchedProfile,
        old: ProfileState | None,
        new: ProfileState,
        analysed: ProfileAnalysis | None,
        snapshot: SnapshotRecord | None,
        now: datetime,
    ) -> list[Outgoing]:
        if old is None or snapshot is None:
            return []  # the baseline: nothing to compare with yet
        changes = compare(fetched.username, old, new, self.thresholds)
        if not changes.any:
            quiet_days = self.settings.subscriptions.quiet_days
            since = snapshot.last_report_at or snapshot.taken_at
            if quiet_days and now - since >= timedelta(days=quiet_days):
                return [Outgoing(quiet_text(fetched.username, since), about=fetched.username)]
            return []
        posts = _trend_posts(fetched, analysed)
        title = f"@{fetched.username}: likes and comments"
        chart = await self.render(posts, fetched.followers, title)
        hide = self.settings.privacy.hide_sensitive_for_others
        report = change_text(changes, hide_sensitive=hide)
        return [Outgoing(title, chart), Outgoing(report, about=fetched.username)]

    async def _store(
        self,
        fetched: FetchedProfile,
        period: str,
        state: ProfileState,
        messages: list[Outgoing],
        now: datetime,
    ) -> None:
        """The new snapshot and every subscriber's messages, in one transaction."""
        counts = ProfileCounts(
            fetched.followers, fetched.followees, fetched.post_count, fetched.fetched_at
        )
        await self.repositories.snapshots.store(
            fetched.username, period, counts, state.to_json(), messages, now
        )

    async def purge(self) -> dict[str, int]:
        deleted = await self.repositories.retention.purge(
            self.now(), self.settings.privacy.retention_days
        )
        log.info("retention purge: %s", deleted)
        return deleted
