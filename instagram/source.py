"""The one interface the service needs from wherever profiles come from."""

from __future__ import annotations

from typing import Protocol, runtime_checkable

from instagram.models import FetchedProfile


class ProfileSource(Protocol):
    async def fetch(self, username: str, max_posts: int) -> FetchedProfile:
        """The profile and its latest `max_posts` posts, newest first.

        Raises an `instagram.errors.InstagramError` (InvalidUsername, ProfileNotFound,
        ProfilePrivate, LoginRequired, RateLimited, SourceUnavailable) on failure.
        """
        ...


@runtime_checkable
class ResolvesNames(Protocol):
    """A source where one profile answers to more than one name (a folder named otherwise
    than the account): it says which name is the profile's own."""

    async def canonical_username(self, username: str) -> str: ...
