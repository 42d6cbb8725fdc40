"""Profiles fetched from Instagram with instaloader: anonymous by default, or a saved session.

instaloader is blocking, so every call runs in the source's own single worker thread: calls
queue there one at a time (its context is not thread-safe, and Instagram prefers it), without
holding the event loop's shared threads while they wait. Pictures are downloaded into memory,
never written to disk. instaloader would sleep for minutes when Instagram rate-limits; here a
long wait raises RateLimited instead, so no thread is held and the person is told when to
come back.
"""

from __future__ import annotations

import asyncio
import logging
import pickle
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict
from datetime import UTC, datetime
from pathlib import Path

import instaloader
import requests
from instaloader import InstaloaderContext, Post, Profile, RateController
from instaloader.exceptions import AbortDownloadException, InstaloaderException

from instagram.convert import optional, profile_fields, to_fetched_post
from instagram.errors import (
    InstagramError,
    ProfilePrivate,
    RateLimited,
    SourceUnavailable,
    from_instaloader,
)
from instagram.images import NotAPicture, ensure_jpeg
from instagram.models import FetchedProfile
from instagram.usernames import parse_username

log = logging.getLogger(__name__)

SOURCE_NAME = "instaloader"

PINNED_ALLOWANCE = 3
"""Instagram shows up to 3 pinned posts before the newest ones; fetch that many more and sort."""

_FAILURES = (
    InstaloaderException,
    AbortDownloadException,  # not an InstaloaderException
    requests.RequestException,
    OSError,
    # instaloader parsing a response whose shape Instagram changed:
    KeyError,
    TypeError,
    ValueError,
)


class _RaiseOnLongWait(RateController):
    """instaloader's rate controller, except that a wait above `max_wait` s raises RateLimited."""

    def __init__(self, context: InstaloaderContext, max_wait: float) -> None:
        super().__init__(context)
        self._max_wait = max_wait

    def sleep(self, secs: float) -> None:
        if secs > self._max_wait:
            raise RateLimited(
                f"instaloader's rate control asks to wait {secs:.0f} s", retry_after=secs
            )
        time.sleep(secs)


class InstaloaderSource:
    """A ProfileSource that asks Instagram itself (network; cannot be exercised offline)."""

    def __init__(
        self,
        session_file: Path | None = None,
        session_user: str | None = None,
        request_timeout: float = 30,
        max_wait: float = 30,
    ) -> None:
        """`session_file` is a session saved by `instaloader --login USER` (a pickle of cookies),
        loaded for `session_user`; without it the source is anonymous. `max_wait` is the longest
        pause (s) the rate control may take inside a request before giving up with RateLimited.
        """
        if (session_file is None) != (session_user is None):
            raise ValueError("session_file and session_user must be given together")
        self._loader = instaloader.Instaloader(
            quiet=True,
            request_timeout=request_timeout,
            max_connection_attempts=2,
            rate_controller=lambda context: _RaiseOnLongWait(context, max_wait),
        )
        if session_file is not None and session_user is not None:
            try:
                self._loader.load_session_from_file(session_user, str(session_file))
            except (OSError, EOFError, KeyError, pickle.UnpicklingError) as error:
                # The file's content (cookies) never goes into the message or the log.
                raise ValueError(
                    f"cannot load the Instagram session file {session_file}: {type(error).__name__}"
                ) from None
        self._worker = ThreadPoolExecutor(max_workers=1, thread_name_prefix="instaloader")

    @property
    def logged_in(self) -> bool:
        return self._loader.context.is_logged_in

    async def fetch(self, username: str, max_posts: int) -> FetchedProfile:
        if max_posts < 0:
            raise ValueError(f"max_posts must be >= 0, not {max_posts}")
        name = parse_username(username)
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._worker, self._fetch_in_thread, name, max_posts)

    def _fetch_in_thread(self, username: str, max_posts: int) -> FetchedProfile:
        try:
            return self._fetch(username, max_posts)
        except InstagramError:
            raise
        except _FAILURES as error:
            mapped = from_instaloader(error, username)
            # A traceback only where the cause is unexpected (e.g. Instagram changed a format).
            unexpected = type(mapped) is SourceUnavailable
            log.warning("fetching %s failed: %s", username, mapped, exc_info=unexpected)
            raise mapped from error

    def _fetch(self, username: str, max_posts: int) -> FetchedProfile:
        context = self._loader.context
        profile = Profile.from_username(context, username)
        fields = profile_fields(profile)
        if fields.is_private and not optional(lambda: profile.followed_by_viewer):
            raise ProfilePrivate(f"{username} is private and not followed by this session")
        posts = [to_fetched_post(post, self._images(post)) for post in _latest(profile, max_posts)]
        return FetchedProfile(
            **asdict(fields),
            posts=posts,
            fetched_at=datetime.now(UTC),
            source=SOURCE_NAME,
        )

    def _images(self, post: Post) -> list[bytes]:
        """The post's pictures (a video's cover), in memory; a picture that fails is left out."""
        if post.typename == "GraphSidecar":
            urls = [node.display_url for node in post.get_sidecar_nodes()]
        else:
            urls = [post.url]
        images = []
        for url in urls:
            try:
                images.append(ensure_jpeg(self._loader.context.get_raw(url).content))
            except (InstaloaderException, requests.RequestException, OSError, NotAPicture) as error:
                log.warning("a picture of post %s failed: %s", post.shortcode, error)
        return images


def _latest(profile: Profile, max_posts: int) -> list[Post]:
    """The `max_posts` newest posts, pinned ones included only where their date puts them."""
    if max_posts == 0:
        return []
    posts: list[Post] = []
    for post in profile.get_posts():
        posts.append(post)
        if len(posts) >= max_posts + PINNED_ALLOWANCE:
            break
    posts.sort(key=lambda p: p.date_utc, reverse=True)
    return posts[:max_posts]
