"""Our own exceptions for everything that can go wrong while getting a profile.

Handlers catch `InstagramError` and send `user_message` as it is: plain words for the person,
saying what happened and what to do. The technical detail (`str(error)`) is for logs only.
`from_instaloader` is the one place where instaloader's exceptions become ours.
"""

from __future__ import annotations

import re

import instaloader.exceptions as ie
import requests

DEFAULT_RETRY_AFTER = 900.0
"""Seconds to wait after Instagram said 'too many requests' without saying how long (15 min)."""

SPAM_RETRY_AFTER = 3600.0
"""Seconds to wait after Instagram's 'feedback_required' spam throttle, which lasts longer."""


class InstagramError(Exception):
    """Base of every error of `instagram/`; `user_message` is safe to show to the person."""

    user_message: str = "Something went wrong while reading Instagram. Please try again later."

    def __init__(self, detail: str = "", *, user_message: str | None = None) -> None:
        super().__init__(detail or type(self).__name__)
        if user_message is not None:
            self.user_message = user_message


class InvalidUsername(InstagramError):
    user_message = (
        "That is not an Instagram username. A username has 1 to 30 characters: Latin letters, "
        "digits, dots and underscores, and does not start or end with a dot. "
        "Send it like natgeo, @natgeo or instagram.com/natgeo."
    )


class ProfileNotFound(InstagramError):
    user_message = (
        "I could not find that Instagram profile. Please check the spelling of the username."
    )


class ProfilePrivate(InstagramError):
    user_message = (
        "That profile is private, so I cannot see its posts. You can send me the photos "
        "themselves instead."
    )


class LoginRequired(InstagramError):
    user_message = (
        "Instagram wants a login to show this right now, and I cannot read it anonymously. "
        "Please try again later, or send me the photos themselves."
    )


class RateLimited(InstagramError):
    """Instagram refuses more requests for a while; `retry_after` is in seconds."""

    def __init__(
        self,
        detail: str = "",
        *,
        retry_after: float = DEFAULT_RETRY_AFTER,
        user_message: str | None = None,
    ) -> None:
        self.retry_after = float(retry_after)
        minutes = max(1, round(self.retry_after / 60))
        super().__init__(
            detail,
            user_message=user_message
            or (
                "Instagram is limiting how often I may ask it for profiles. "
                f"Please try again in about {minutes} minute{'s' if minutes != 1 else ''}."
            ),
        )


class SourceUnavailable(InstagramError):
    user_message = (
        "Instagram did not answer the way I expected, so I cannot read that profile right now. "
        "Please try again later."
    )


class ConnectionFailed(SourceUnavailable):
    user_message = "I could not reach Instagram. Please try again in a few minutes."


_RATE_LIMIT_TEXT = re.compile(r"\b429 |too many requests|please wait a few minutes", re.IGNORECASE)
"""How instaloader words a 429 it re-raised as another error ('429 Too Many Requests when…')."""


def _chain(error: BaseException) -> list[BaseException]:
    """The error and the errors it was raised from (instaloader wraps a 429 in a retry error)."""
    seen: list[BaseException] = []
    current: BaseException | None = error
    while current is not None and current not in seen:
        seen.append(current)
        current = current.__cause__ or current.__context__
    return seen


def from_instaloader(error: BaseException, username: str | None = None) -> InstagramError:
    """Translate an exception raised inside instaloader (or requests) into one of ours.

    `username` only adds to the log detail. Already-translated errors pass through unchanged.
    """
    if isinstance(error, InstagramError):
        return error
    detail = f"{type(error).__name__}: {error}" + (f" (profile {username})" if username else "")
    chain = _chain(error)
    text = " | ".join(str(e) for e in chain)

    if "feedback_required" in text:
        # Instagram's spam throttle; its message also says 'please wait a few minutes'.
        return RateLimited(detail, retry_after=SPAM_RETRY_AFTER)
    if any(isinstance(e, ie.TooManyRequestsException) for e in chain) or _RATE_LIMIT_TEXT.search(
        text
    ):
        return RateLimited(detail)
    if isinstance(error, ie.ProfileNotExistsException):
        return ProfileNotFound(detail)
    if isinstance(error, ie.PrivateProfileNotFollowedException):
        return ProfilePrivate(detail)
    if isinstance(error, ie.LoginRequiredException):
        # Anonymous instaloader says 'login required' for the posts of a private profile.
        return ProfilePrivate(detail) if "private" in text.lower() else LoginRequired(detail)
    if isinstance(error, ie.LoginException):
        # Bad credentials, two-factor, checkpoint at login: the bot's own session is the problem.
        return LoginRequired(detail)
    if isinstance(error, ie.AbortDownloadException):
        if any(word in text.lower() for word in ("checkpoint", "challenge", "login")):
            # Instagram wants the bot's account to verify itself or log in again.
            return LoginRequired(detail)
        return SourceUnavailable(detail)
    if isinstance(error, ie.QueryReturnedNotFoundException):
        # A missing profile is ProfileNotExistsException; a 404 elsewhere is a vanished post.
        return SourceUnavailable(detail)
    if isinstance(error, ie.ConnectionException | requests.RequestException | OSError):
        return ConnectionFailed(detail)
    return SourceUnavailable(detail)
