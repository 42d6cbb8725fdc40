"""Turn what a person typed ('natgeo', '@natgeo', a profile link) into a checked username.

The rules are Instagram's: 1 to 30 ASCII letters, digits, '.' and '_', not starting or ending
with '.', no '..'. The check runs on the text as typed, before lower-casing, so that Unicode
look-alikes (Cyrillic 'а', full-width letters, the Kelvin sign that lower-cases to 'k') are
refused rather than silently turned into someone else's name. A checked username is also safe
as a single path component (it can never be '..' or contain a separator).
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from instagram.errors import InvalidUsername

MAX_LENGTH = 30

_VALID = re.compile(r"[A-Za-z0-9._]{1,30}")
_HOSTS = frozenset({"instagram.com", "instagr.am"})
_HOST_PREFIXES = ("www.", "m.", "l.")
_POSTS = frozenset({"p", "reel", "reels", "tv"})
"""First path segments of links to one post (instagram.com/p/<shortcode>)."""
_NOT_PROFILES = _POSTS | {"explore", "accounts", "direct", "about", "legal", "developer"}
"""First path segments of instagram.com links that do not name a profile."""


class PostLink(InvalidUsername):
    """A link to a single post or reel, where a profile was expected."""

    user_message = (
        "That link is to a single post, and I analyse whole profiles, not single posts. "
        "Please send the username of the profile that posted it, like natgeo, or the "
        "profile's link, like instagram.com/natgeo."
    )


_LINK_PREFIXES = frozenset({"_u", "stories"})
"""Segments before the username in app deep links and story links (instagram.com/_u/name)."""


def _username_from_link(text: str) -> str:
    """The username part of an instagram.com / instagr.am link, not yet validated."""
    link = text if "://" in text else "https://" + text
    parts = urlsplit(link)
    host = (parts.hostname or "").lower()
    for prefix in _HOST_PREFIXES:
        host = host.removeprefix(prefix)
    if parts.scheme.lower() not in {"http", "https"} or host not in _HOSTS:
        raise InvalidUsername(f"not an Instagram link: {text!r}")
    segments = [s for s in parts.path.split("/") if s]
    while segments and segments[0].lower() in _LINK_PREFIXES:
        segments = segments[1:]
    if not segments:
        raise InvalidUsername(f"link without a username: {text!r}")
    if segments[0].lower() in _POSTS:
        raise PostLink(f"link to a post, not a profile: {text!r}")
    if segments[0].lower() in _NOT_PROFILES:
        raise InvalidUsername(
            f"link to a post or page, not a profile: {text!r}",
            user_message=(
                "That link points to a post or a page, not to a profile. Please send the "
                "profile's username, like natgeo, or its link, like instagram.com/natgeo."
            ),
        )
    return segments[0]


def parse_username(text: str) -> str:
    """Return the lower-case username in `text`, or raise InvalidUsername.

    Accepts 'name', '@name', 'instagram.com/name', 'https://www.instagram.com/name/?hl=en'
    and 'instagr.am/name'; surrounding white space is ignored.
    """
    candidate = text.strip()
    if "/" in candidate or "instagram.com" in candidate.lower():
        candidate = _username_from_link(candidate)
    candidate = candidate.removeprefix("@")
    if not (candidate.isascii() and _VALID.fullmatch(candidate)):
        raise InvalidUsername(f"invalid username: {text[:80]!r}")
    if candidate.startswith(".") or candidate.endswith(".") or ".." in candidate:
        raise InvalidUsername(f"invalid dots in username: {text[:80]!r}")
    return candidate.lower()


def is_post_link(text: str) -> bool:
    """True when `text` is a link to one Instagram post or reel (for a bare chat message)."""
    try:
        parse_username(text)
    except PostLink:
        return True
    except InvalidUsername:
        return False
    return False


def looks_like_username(text: str) -> bool:
    """True when `text` is a username or a profile link (for a bare chat message)."""
    try:
        parse_username(text)
    except InvalidUsername:
        return False
    return True
