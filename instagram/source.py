"""The one interface the service needs from wherever profiles come from."""

from __future__ import annotations

from typing import Protocol

from instagram.models import FetchedProfile


class ProfileSource(Protocol):
    async def fetch(self, username: str, max_posts: int) -> FetchedProfile:
        """The profile and its latest `max_posts` posts, newest first.

        Raises an `instagram.errors.InstagramError` (InvalidUsername, ProfileNotFound,
        ProfilePrivate, LoginRequired, RateLimited, SourceUnavailable) on failure.
        """
        ...
