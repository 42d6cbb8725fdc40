"""What changed on a profile between two scheduled runs, and how to say it.

A run keeps a `ProfileState` (counts, each post's style and engagement, the personality read
from the captions) as its snapshot; the next run builds a new state from the fresh fetch plus
the analysis of the new posts only, and `compare` says what changed enough to tell people.
Nothing changed enough → `Changes.any` is False and no message goes out.
"""

from __future__ import annotations

import html
import statistics
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any, Protocol, TypeVar

from instagram.models import FetchedProfile
from reports import format as fmt
from reports.names import style_name, trait_name

SENSITIVE_STYLES = frozenset({"depressed", "lonely"})
CAVEAT = (
    "<i>Mood styles and personality describe photos and words, not the person: not a diagnosis, "
    "and not for decisions about anyone.</i>"
)


@dataclass(frozen=True)
class PostState:
    shortcode: str
    taken_at: datetime
    likes: int
    comments: int
    style: str | None

    @property
    def engagement(self) -> int:
        return self.likes + self.comments


@dataclass(frozen=True)
class ProfileState:
    followers: int | None
    followees: int | None
    posts: tuple[PostState, ...]
    """Newest first: the posts of the fetched window."""
    personality: dict[str, float] | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "followers": self.followers,
            "followees": self.followees,
            "personality": self.personality,
            "posts": [
                {
                    "shortcode": p.shortcode,
                    "taken_at": p.taken_at.isoformat(),
                    "likes": p.likes,
                    "comments": p.comments,
                    "style": p.style,
                }
                for p in self.posts
            ],
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> ProfileState:
        posts = tuple(
            PostState(
                shortcode=p["shortcode"],
                taken_at=datetime.fromisoformat(p["taken_at"]),
                likes=int(p["likes"]),
                comments=int(p["comments"]),
                style=p.get("style"),
            )
            for p in data.get("posts", [])
        )
        return cls(data.get("followers"), data.get("followees"), posts, data.get("personality"))

    def style_mix(self) -> dict[str, float]:
        counts = Counter(p.style for p in self.posts if p.style is not None)
        total = sum(counts.values())
        return {style: n / total for style, n in counts.items()} if total else {}

    def typical_engagement(self) -> float | None:
        """The median likes + comments per post (None without posts)."""
        return statistics.median(p.engagement for p in self.posts) if self.posts else None


class _Dated(Protocol):
    @property
    def shortcode(self) -> str: ...
    @property
    def taken_at(self) -> datetime: ...


D = TypeVar("D", bound=_Dated)


def unseen(old: ProfileState, posts: Sequence[D]) -> list[D]:
    """Posts the snapshot has not seen and that are newer than its newest.

    The age test keeps an old post that slides back into the window (after the owner deleted
    a newer one) from being reported as new.
    """
    known = {p.shortcode for p in old.posts}
    newest = max((p.taken_at for p in old.posts), default=None)
    return [
        p for p in posts if p.shortcode not in known and (newest is None or p.taken_at > newest)
    ]


def state_of(
    fetched: FetchedProfile,
    styles: Mapping[str, str | None],
    personality: dict[str, float] | None,
) -> ProfileState:
    """The state of a fetch, given the style of each post (by shortcode) and the traits."""
    return ProfileState(
        followers=fetched.followers,
        followees=fetched.followees,
        posts=tuple(
            PostState(p.shortcode, p.taken_at, p.likes, p.comments, styles.get(p.shortcode))
            for p in fetched.posts
        ),
        personality=personality,
    )


@dataclass(frozen=True)
class Thresholds:
    """How much counts as a change worth a message (configurable for operators and tests)."""

    follower_share: float = 0.01
    """Followers moved by at least this share of the old count (or following changed at all)."""
    style_shift: float = 0.15
    """Total variation distance between the old and new style mixes."""
    engagement_shift: float = 0.2
    """Relative change of the median likes + comments per post."""
    trait_drift: float = 0.1
    """Change of a Big Five score (0..1) read from enough new captions."""


@dataclass(frozen=True)
class Changes:
    username: str
    new_posts: list[PostState] = field(default_factory=list)
    followers: tuple[int, int] | None = None
    followees: tuple[int, int] | None = None
    styles: list[tuple[str, float, float]] = field(default_factory=list)
    """(style, old share, new share) of the styles that moved most, when the mix shifted."""
    engagement: tuple[float, float] | None = None
    personality: dict[str, tuple[float, float]] = field(default_factory=dict)
    typical_engagement: float | None = None
    """The old median, to say how each new post did against it."""

    @property
    def any(self) -> bool:
        return bool(
            self.new_posts
            or self.followers
            or self.followees
            or self.styles
            or self.engagement
            or self.personality
        )


def _count_change(old: int | None, new: int | None, share: float) -> tuple[int, int] | None:
    if old is None or new is None or old == new:
        return None
    return (old, new) if abs(new - old) >= max(1.0, share * old) else None


def _style_changes(
    old: dict[str, float], new: dict[str, float], threshold: float
) -> list[tuple[str, float, float]]:
    styles = set(old) | set(new)
    distance = sum(abs(new.get(s, 0.0) - old.get(s, 0.0)) for s in styles) / 2
    if not old or distance < threshold:
        return []
    moved = sorted(styles, key=lambda s: -abs(new.get(s, 0.0) - old.get(s, 0.0)))
    return [(s, old.get(s, 0.0), new.get(s, 0.0)) for s in moved[:3]]


def compare(
    username: str, old: ProfileState, new: ProfileState, thresholds: Thresholds = Thresholds()
) -> Changes:
    old_typical, new_typical = old.typical_engagement(), new.typical_engagement()
    engagement = None
    if (
        old_typical
        and new_typical is not None
        and abs(new_typical - old_typical) / old_typical >= thresholds.engagement_shift
    ):
        engagement = (old_typical, new_typical)
    drift: dict[str, tuple[float, float]] = {}
    if old.personality and new.personality:
        drift = {
            trait: (old.personality[trait], score)
            for trait, score in new.personality.items()
            if trait in old.personality
            and abs(score - old.personality[trait]) >= thresholds.trait_drift
        }
    return Changes(
        username=username,
        new_posts=unseen(old, new.posts),
        followers=_count_change(old.followers, new.followers, thresholds.follower_share),
        followees=_count_change(old.followees, new.followees, 0.0),
        styles=_style_changes(old.style_mix(), new.style_mix(), thresholds.style_shift),
        engagement=engagement,
        personality=drift,
        typical_engagement=old_typical,
    )


def _label(style: str | None) -> str:
    return style_name(style).lower() if style else "no style read"


def _signed(old: int, new: int) -> str:
    return f"{fmt.number(new)} ({new - old:+,})"


def _post_line(post: PostState, typical: float | None) -> str:
    line = (
        f"• {post.taken_at:%d %b}: {_label(post.style)}, {fmt.count(post.likes, 'like')}, "
        f"{fmt.count(post.comments, 'comment')}"
    )
    if typical:
        line += f" ({fmt.percent(post.engagement / typical)} of the usual)"
    return line


def _visible(changes: Changes, hide_sensitive: bool) -> Changes:
    """The changes without mood styles and personality when the operator hides them."""
    if not hide_sensitive:
        return changes
    posts = [
        p if p.style not in SENSITIVE_STYLES else replace(p, style=None) for p in changes.new_posts
    ]
    styles = [s for s in changes.styles if s[0] not in SENSITIVE_STYLES]
    return replace(changes, new_posts=posts, styles=styles, personality={})


def change_text(changes: Changes, *, hide_sensitive: bool = False) -> str:
    """The change report as Telegram HTML."""
    shown = _visible(changes, hide_sensitive)
    name = html.escape(shown.username)
    lines = [f"📬 <b>What changed on @{name}</b>"]
    if shown.new_posts:
        count = len(shown.new_posts)
        lines.append(f"<b>{count} new post{'s' if count != 1 else ''}</b>")
        lines += [_post_line(p, shown.typical_engagement) for p in shown.new_posts]
    if shown.followers:
        lines.append(f"Followers: {_signed(*shown.followers)}")
    if shown.followees:
        lines.append(f"Following: {_signed(*shown.followees)}")
    if shown.styles:
        moves = ", ".join(
            f"{_label(s)} {fmt.percent(a)} → {fmt.percent(b)}" for s, a, b in shown.styles
        )
        lines.append(f"Photo style mix shifted: {moves}")
    if shown.engagement:
        old, new = shown.engagement
        word = "up" if new > old else "down"
        lines.append(
            f"Typical likes + comments per post {word}: {fmt.number(old)} → {fmt.number(new)}"
        )
    if shown.personality:
        moves = ", ".join(
            f"{trait_name(t)} {round(a * 100)} → {round(b * 100)}"
            for t, (a, b) in shown.personality.items()
        )
        lines.append(f"The new captions read differently: {moves}")
    sensitive = (
        shown.personality
        or any(p.style in SENSITIVE_STYLES for p in shown.new_posts)
        or any(s[0] in SENSITIVE_STYLES for s in shown.styles)
    )
    if sensitive:
        lines.append(CAVEAT)
    return "\n".join(lines)


def quiet_text(username: str, since: datetime) -> str:
    return (
        f"🤫 @{html.escape(username)} has been quiet: nothing new since {since:%d %b}. "
        "I will write when something changes."
    )
