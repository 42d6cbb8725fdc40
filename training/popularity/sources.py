"""The real engagement data under $DIGBOT_DATA/instagram, read as accounts of PostInput.

None of these sources has images next to likes (spacex_sample's 5 photo posts are too few to
train or measure on), so every post here has `photos=[]`: only caption and time features exist.
Each loader states what it had to assume; POPULARITY.md repeats it.
"""

from __future__ import annotations

import csv
import json
import os
import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from analyzers.popularity.features import MIN_AGE_DAYS
from analyzers.types import PostInput, PostText

REPO = Path(__file__).resolve().parents[2]
_SHORTCODE_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
_IG_EPOCH_MS = 1314220021721
_TAG = re.compile(r"#(\w+)")
_MENTION = re.compile(r"@([\w.]+)")


@dataclass(frozen=True)
class Account:
    name: str
    followers: int | None
    posts: list[PostInput]
    """Newest first."""
    now: datetime
    """When the counts were read (what 'younger than two days' is measured against)."""
    hour_known: bool
    note: str


def data_root() -> Path:
    return Path(os.environ.get("DIGBOT_DATA", REPO.parent / "shared" / "data"))


def shortcode_time(shortcode: str) -> datetime:
    """A post's time from its shortcode: media id >> 23 = ms since Instagram's epoch."""
    media_id = 0
    for ch in shortcode[:11]:
        media_id = media_id * 64 + _SHORTCODE_ALPHABET.index(ch)
    return datetime.fromtimestamp(((media_id >> 23) + _IG_EPOCH_MS) / 1000, tz=UTC)


def _text(caption: str) -> PostText:
    return PostText(
        caption=caption,
        hashtags=tuple(t.lower() for t in _TAG.findall(caption)),
        mentions=tuple(m.lower() for m in _MENTION.findall(caption)),
    )


def _post(
    code: str, at: datetime, likes: int, comments: int, caption: str, video: bool = False
) -> PostInput:
    return PostInput(code, at, likes, comments, _text(caption), video, [])


def natgeo(root: Path) -> Account:
    """Both natgeo files, deduplicated by shortcode (the later file's counts win)."""
    posts: dict[str, PostInput] = {}
    for name in ("instagram_posts.csv", "instagram_posts_labeled.csv"):
        with open(root / "natgeo_posts" / name, encoding="utf-8", newline="") as fh:
            for row in csv.DictReader(fh):
                code = row["post_url"].rstrip("/").rsplit("/", 1)[-1]
                posts[code] = _post(
                    code,
                    shortcode_time(code),
                    int(float(row["like_num"])),
                    int(float(row["comment_num"])),
                    row["post_caption"],
                )
    ordered = sorted(posts.values(), key=lambda p: p.taken_at, reverse=True)
    return Account(
        "natgeo",
        None,
        ordered,
        ordered[0].taken_at + timedelta(days=MIN_AGE_DAYS),
        True,
        "scrape date unknown: assumed 2 days after the newest post; videos not marked",
    )


def persian_news(root: Path) -> Account:
    """khabar_fouri: likes are shown only for videos, so photo posts count comments alone."""
    data = json.loads((root / "persian_news" / "khabar_fouri.json").read_text(encoding="utf-8"))
    posts = [
        _post(
            p["url"].rstrip("/").rsplit("/", 1)[-1],
            datetime.fromisoformat(p["date"].replace("Z", "+00:00")),
            int(p["likes"]["count"]) if p["views"] > 0 else 0,
            int(p["comments"]["count"]),
            p["caption"] or "",
            video=p["views"] > 0,
        )
        for p in data["posts"]
    ]
    posts.sort(key=lambda p: p.taken_at, reverse=True)
    scraped = datetime.fromisoformat(data["scraped"]).replace(tzinfo=UTC)
    return Account(
        "khabar_fouri",
        int(data["followers"]["count"]),
        posts,
        scraped,
        True,
        "photo posts' likes hidden: engagement = comments only; Persian captions",
    )


def amankharwal(root: Path) -> Account:
    """The dated Insights export of @amankharwal (day only: the hour is unknown)."""
    path = root / "small_tabular" / "amankharwal_Instagram_data.csv"
    with open(path, encoding="latin-1", newline="") as fh:
        rows = list(csv.DictReader(fh))
    posts = [
        _post(
            f"aman{i:03d}",
            datetime.fromisoformat(r["Date"]).replace(hour=12, tzinfo=UTC),
            int(r["Likes"]),
            int(r["Comments"]),
            f"{r['Caption']} {r['Hashtags'].replace(chr(0xA0), ' ')}",
        )
        for i, r in enumerate(rows)
    ]
    posts.sort(key=lambda p: p.taken_at, reverse=True)
    return Account(
        "amankharwal",
        None,
        posts,
        posts[0].taken_at + timedelta(days=MIN_AGE_DAYS),
        False,
        "day only (hour unknown); Insights export, counts assumed settled",
    )


def reach_table(root: Path) -> list[tuple[str, int, int, float, str]]:
    """(username, followers, likes, hours since posted, caption) of ~95 accounts.

    Every post is under 24 hours old, so by our own rule none is fitted on; it serves only as a
    cross-account check of the prior.
    """
    path = root / "small_tabular" / "amankharwal_instagram_reach.csv"
    with open(path, encoding="utf-8", errors="replace", newline="") as fh:
        return [
            (
                r["USERNAME"],
                int(r["Followers"]),
                int(r["Likes"]),
                float(r["Time since posted"].split()[0]),
                r["Caption"],
            )
            for r in csv.DictReader(fh)
        ]


def accounts(root: Path | None = None) -> list[Account]:
    """Every account with enough posts to fit or evaluate on."""
    base = (root or data_root()) / "instagram"
    return [natgeo(base), persian_news(base), amankharwal(base)]
