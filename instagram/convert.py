"""instaloader's Post and Profile → our FetchedPost and profile fields; shared by both sources.

Only fields a saved node carries are read. A field that is missing (or would need a query an
offline context refuses) becomes None or 0 rather than failing the whole post.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC
from typing import Any, TypeVar

from instaloader import Post, Profile, get_json_structure
from instaloader.exceptions import InstaloaderException

from instagram.models import FetchedPost, ProfileFields

T = TypeVar("T")

_MISSING_FIELD_ERRORS = (KeyError, IndexError, TypeError, ValueError, InstaloaderException)

# The same patterns as instaloader's Post.caption_hashtags / caption_mentions, applied here to
# whichever caption we end up with (the JSON's, or the .txt file's when the JSON has none).
_HASHTAG = re.compile(r"#(\w{1,150})")
_MENTION = re.compile(r"(?:^|\W|_)@(\w(?:(?:\w|\.(?!\.)){0,28}\w)?)", re.ASCII)


def optional(read: Callable[[], T]) -> T | None:
    """`read()`, or None when the structure lacks the field."""
    try:
        return read()
    except _MISSING_FIELD_ERRORS:
        return None


def caption_tags(caption: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(hashtags, mentions) of a caption: lower-case, without '#'/'@', each once, in order."""
    lower = caption.lower()
    hashtags = tuple(dict.fromkeys(_HASHTAG.findall(lower)))
    mentions = tuple(dict.fromkeys(_MENTION.findall(lower)))
    return hashtags, mentions


def _node(post: Post) -> dict[str, Any]:
    node: dict[str, Any] = get_json_structure(post)["node"]
    return node


def _location_name(node: dict[str, Any]) -> str | None:
    for location in (node.get("location"), (node.get("iphone_struct") or {}).get("location")):
        if isinstance(location, dict) and location.get("name"):
            return str(location["name"])
    return None


def _accessibility_caption(post: Post, node: dict[str, Any]) -> str | None:
    """The post's alt text, else its first carousel item's (a carousel often has none itself)."""
    text = optional(lambda: post.accessibility_caption)
    if text:
        return text
    for edge in (node.get("edge_sidecar_to_children") or {}).get("edges") or []:
        child_text = (edge.get("node") or {}).get("accessibility_caption")
        if child_text:
            return str(child_text)
    return None


def _comment_count(post: Post, node: dict[str, Any]) -> int:
    """The comment count from the node as saved or fetched.

    instaloader's Post.comments misses the count of posts built from the logged-in feed
    ('comments' / iphone_struct.comment_count) and would spend one query per post on it.
    """
    for value in (
        (node.get("edge_media_to_comment") or {}).get("count"),
        (node.get("edge_media_to_parent_comment") or {}).get("count"),
        node.get("comments"),
        (node.get("iphone_struct") or {}).get("comment_count"),
    ):
        if isinstance(value, int) and not isinstance(value, bool):
            return value
    return optional(lambda: int(post.comments)) or 0


def to_fetched_post(post: Post, images: list[bytes], caption_fallback: str = "") -> FetchedPost:
    """Our post from instaloader's; `shortcode` and the date are required, the rest optional."""
    node = _node(post)
    caption = optional(lambda: post.caption) or caption_fallback
    hashtags, mentions = caption_tags(caption)
    return FetchedPost(
        shortcode=post.shortcode,
        taken_at=post.date_utc.replace(tzinfo=UTC),
        likes=optional(lambda: int(post.likes)) or 0,
        comments=_comment_count(post, node),
        caption=caption,
        hashtags=hashtags,
        mentions=mentions,
        is_video=bool(optional(lambda: post.is_video)),
        images=images,
        location=_location_name(node),
        accessibility_caption=_accessibility_caption(post, node),
    )


def profile_fields(profile: Profile) -> ProfileFields:
    """The profile-level fields of FetchedProfile, read from an instaloader Profile."""
    return ProfileFields(
        username=profile.username,
        full_name=optional(lambda: profile.full_name),
        biography=optional(lambda: profile.biography),
        followers=optional(lambda: int(profile.followers)),
        followees=optional(lambda: int(profile.followees)),
        post_count=optional(lambda: profile.mediacount),
        is_private=bool(optional(lambda: profile.is_private)),
    )
