"""What a profile source hands to the service: a profile and its latest posts, images in memory."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime


@dataclass(frozen=True)
class FetchedPost:
    shortcode: str
    taken_at: datetime
    """Aware, UTC."""
    likes: int
    comments: int
    caption: str
    hashtags: tuple[str, ...]
    """Lower-case, without '#', each once, in caption order."""
    mentions: tuple[str, ...]
    """Lower-case, without '@', each once, in caption order."""
    is_video: bool
    images: list[bytes]
    """JPEG bytes: the photo, each carousel item, or a video's cover; may be empty."""
    location: str | None = None
    """The location's name, when the post has one."""
    accessibility_caption: str | None = None
    """Instagram's automatic alt text ('Photo by X. May be an image of 2 people')."""


@dataclass(frozen=True)
class ProfileFields:
    """The profile-level fields of a fetched profile."""

    username: str
    full_name: str | None
    biography: str | None
    followers: int | None
    followees: int | None
    post_count: int | None
    is_private: bool


@dataclass(frozen=True)
class FetchedProfile(ProfileFields):
    posts: list[FetchedPost]
    """Newest first."""
    fetched_at: datetime
    """Aware, UTC: when the source read the data."""
    source: str
    """'instaloader' (online) or 'directory' (a folder in instaloader's layout)."""
    skipped_files: tuple[str, ...] = field(default=())
    """Names of files that could not be read and were left out (a directory source only)."""
    unreadable_posts: int = 0
    """Posts among the newest that could not be read at all (their metadata file is damaged or
    was refused), and so are not in `posts`."""
