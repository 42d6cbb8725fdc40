"""Habits and interests from captions, hashtags, emoji, posting times and photo styles.

Two kinds of habit come out, each with a strength in 0..1 and the evidence it rests on:

- **interests** (`travel`, `coffee`, `pets`, ... see analyzers/habit_lexicon.py): a post shows an
  interest when its caption, hashtags or emoji carry one of the interest's cues, or one of its
  photos has a matching style with confidence >= `MIN_STYLE_CONFIDENCE`. Strength = the share
  of the profile's posts showing it; an interest shown by fewer than `min_posts` posts is not
  reported (one mention is not a habit). Evidence: up to 3 short quotes (<= 60 characters).
- **rhythm** (`night_owl`, `early_bird`, `weekend_poster`, `weekday_poster`, `frequent_poster`,
  `regular_poster`): from the posts' timestamps, see `rhythm_habits` for each rule.

Time zone: timestamps are UTC and Instagram does not tell a profile's time zone. Local hours are
UTC shifted by `utc_offset_hours` (default 0, i.e. UTC), which a caller who knows the person's
zone passes in; the evidence names the zone used ("UTC", "UTC+3:30") so a reader can judge.

Word cues are English: a caption in another language shows an interest only through its emoji,
photo styles or a few whole Persian hashtags (measured in analyzers/models/HABITS.md).
"""

from __future__ import annotations

import re
import statistics
import unicodedata
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import cache, lru_cache
from itertools import pairwise
from typing import ClassVar

from analyzers.captions import segment_hashtag, split_hashtags
from analyzers.habit_lexicon import EXCLUDED_PHRASES, LEXICON, STYLE_HABITS
from analyzers.types import (
    Habit,
    HabitsResult,
    PostInput,
    ProfileInput,
    StyleResult,
    peak_hours,
)

MIN_POSTS = 2
"""An interest needs at least this many posts showing it."""
MIN_STYLE_CONFIDENCE = 0.5
"""A photo style counts as a cue only at or above this confidence."""
MAX_EVIDENCE = 3
MAX_QUOTE = 60
MIN_TAG_WORD = 4
"""A cue word found inside a longer hashtag must have at least this many letters."""

MIN_TIMED_POSTS = 5
"""Rhythm habits need at least this many timestamps (4 gaps)."""
NIGHT_HOURS = frozenset({22, 23, 0, 1, 2, 3})
MORNING_HOURS = frozenset({5, 6, 7, 8})
MIN_HOUR_SHARE = 0.3
"""night_owl / early_bird: at least this share of posts in those hours (and >= 3 posts)."""
MIN_WEEKEND_SHARE = 0.5
"""weekend_poster: at least this share on Saturday/Sunday (2/7 = 0.29 if posting were even)."""
MIN_WEEKDAY_SHARE = 0.95
MIN_WEEKDAY_POSTS = 10
"""weekday_poster: at least this share on Monday..Friday, over at least this many posts."""
FREQUENT_GAP_DAYS = 2.0
MIN_FREQUENT_SHARE = 0.5
"""frequent_poster: at least this share of consecutive posts within FREQUENT_GAP_DAYS."""
MAX_REGULAR_CV = 0.5
"""regular_poster: coefficient of variation of the gaps between posts at most this."""

_TOKEN_RE = re.compile(r"[a-z0-9]+(?:'[a-z]+)?")
_NO_STEM = frozenset({"booking", "booked", "barred", "bared", "caring", "cater", "catering"})
_VARIATION_SELECTOR = "\ufe0f"


# --- text cues ---------------------------------------------------------------------------------


@lru_cache(maxsize=65536)
def _word_forms(token: str) -> frozenset[str]:
    """The token and the base forms it may come from ('hiking' -> hike, 'studies' -> study)."""
    forms = {token}
    if token in _NO_STEM:
        return frozenset(forms)
    if token.endswith("'s"):
        token = token[:-2]
        forms.add(token)
    if token.endswith("ies") and len(token) > 4:
        forms.add(token[:-3] + "y")
    if token.endswith("es") and len(token) > 3:
        forms.add(token[:-2])
    if token.endswith("s") and not token.endswith("ss") and len(token) > 3:
        forms.add(token[:-1])
    for suffix in ("ing", "ed"):
        stem = token[: -len(suffix)]
        if token.endswith(suffix) and len(stem) >= 3:
            forms.update({stem, stem + "e"})
            if len(stem) > 3 and stem[-1] == stem[-2]:
                forms.add(stem[:-1])  # running -> run, shopping -> shop
            if suffix == "ed" and stem.endswith("i"):
                forms.add(stem[:-1] + "y")  # studied -> study
    return frozenset(forms)


def _normalize(text: str) -> str:
    """Lower case with idioms blanked out, keeping every character's offset where it can."""
    text = unicodedata.normalize("NFKC", text).lower().replace("’", "'")
    for phrase in EXCLUDED_PHRASES:
        text = text.replace(phrase, "|".ljust(len(phrase)))
    return text


@dataclass(frozen=True)
class _Compiled:
    words: dict[str, frozenset[str]]
    """Word -> the habits it cues."""
    phrases: dict[str, tuple[tuple[tuple[str, ...], str], ...]]
    """First token -> (phrase tokens, habit), longest first."""
    hashtags: dict[str, frozenset[str]]
    emoji: tuple[tuple[str, str], ...]


@cache
def _compiled() -> _Compiled:
    words: dict[str, set[str]] = defaultdict(set)
    hashtags: dict[str, set[str]] = defaultdict(set)
    phrases: list[tuple[tuple[str, ...], str]] = []
    emoji: list[tuple[str, str]] = []
    for habit, cues in LEXICON.items():
        for word in cues.words:
            words[word].add(habit)
        for tag in cues.hashtags:
            hashtags[tag].add(habit)
        phrases.extend((tuple(_TOKEN_RE.findall(_normalize(p))), habit) for p in cues.phrases)
        emoji.extend((e.replace(_VARIATION_SELECTOR, ""), habit) for e in cues.emoji)
    by_first: dict[str, list[tuple[tuple[str, ...], str]]] = defaultdict(list)
    for phrase in sorted(phrases, key=lambda p: -len(p[0])):
        by_first[phrase[0][0]].append(phrase)
    return _Compiled(
        {w: frozenset(h) for w, h in words.items()},
        {first: tuple(group) for first, group in by_first.items()},
        {t: frozenset(h) for t, h in hashtags.items()},
        tuple(emoji),
    )


def _token_cues(tokens: list[str]) -> list[tuple[str, int, int]]:
    """(habit, first token, end token) for each cue in a token list; phrases win over words."""
    lexicon = _compiled()
    forms = [_word_forms(t) for t in tokens]
    used = [False] * len(tokens)
    found: list[tuple[str, int, int]] = []
    for start, token_forms in enumerate(forms):
        for first in token_forms:
            for phrase, habit in lexicon.phrases.get(first, ()):
                end = start + len(phrase)
                if end <= len(tokens) and all(
                    word in forms[k] for k, word in enumerate(phrase[1:], start + 1)
                ):
                    found.append((habit, start, end))
                    used[start:end] = [True] * (end - start)
    for i, token_forms in enumerate(forms):
        if used[i]:
            continue
        for form in token_forms:
            found.extend((habit, i, i + 1) for habit in lexicon.words.get(form, ()))
    return found


def _window(length: int, start: int, end: int) -> tuple[int, int]:
    """The slice of a text of `length` characters that quotes its span [start, end) with
    context: the whole text when it fits MAX_QUOTE, else the span centred in the room left."""
    if length <= MAX_QUOTE - 2:
        return 0, length
    room = MAX_QUOTE - 4  # two quote marks and up to two ellipses
    left = max(0, min(start - (room - (end - start)) // 2, length - room))
    return left, left + room


def _quote(text: str, window: tuple[int, int]) -> str:
    """text[window] quoted, with an ellipsis on each side where the text goes on."""
    left, right = window
    prefix = "…" if left > 0 else ""
    suffix = "…" if right < len(text) else ""
    return f'"{prefix}{text[left:right].strip()}{suffix}"'


def _hashtag_evidence(tag: str) -> str:
    quoted = f"#{tag}"
    return quoted if len(quoted) <= MAX_QUOTE else quoted[: MAX_QUOTE - 1] + "…"


def interests_in_text(caption: str, hashtags: Iterable[str] = ()) -> dict[str, list[str]]:
    """Interest id -> evidence (quotes, '#tags', emoji) found in one caption and its hashtags.

    Hashtags written inside the caption are found too; the order of habits and of evidence is
    the order of the text, so the result is deterministic.
    """
    parts = split_hashtags(caption)
    tags = list(dict.fromkeys([*parts.hashtags, *(t.lower().lstrip("#") for t in hashtags)]))
    lexicon = _compiled()
    evidence: dict[str, list[str]] = defaultdict(list)

    display = unicodedata.normalize("NFKC", parts.text)
    prose = _normalize(display)
    if len(prose) != len(display):  # lower() changed a length (rare): quote the lower case
        display = prose
    spans = [(m.start(), m.end()) for m in _TOKEN_RE.finditer(prose)]
    quoted: dict[str, list[tuple[int, int]]] = defaultdict(list)
    for habit, first, end in _token_cues([prose[a:b] for a, b in spans]):
        start, stop = spans[first][0], spans[end - 1][1]
        # A cue already inside a quote of this habit adds nothing a reader would not see twice.
        if any(left <= start and stop <= right for left, right in quoted[habit]):
            continue
        window = _window(len(display), start, stop)
        quoted[habit].append(window)
        evidence[habit].append(_quote(display, window))

    for tag in tags:
        habits = set(lexicon.hashtags.get(tag, ()))
        words = _TOKEN_RE.findall(segment_hashtag(tag))
        habits.update(
            habit
            for habit, first, end in _token_cues(words)
            # A short word cut out of a longer tag is often a false split ('#raptor' -> rap tor).
            if end - first > 1 or len(words[first]) >= MIN_TAG_WORD or words[first] == tag
        )
        for habit in sorted(habits):
            evidence[habit].append(_hashtag_evidence(tag))

    plain = caption.replace(_VARIATION_SELECTOR, "")
    for symbol, habit in lexicon.emoji:
        if symbol in plain and symbol not in evidence[habit]:
            evidence[habit].append(symbol)
    return {habit: found for habit, found in evidence.items() if found}


def _photo_styles(post: PostInput) -> Iterable[StyleResult]:
    for photo in post.photos:
        style = photo.results.get("style")
        if isinstance(style, StyleResult):
            yield style


def interests_in_post(post: PostInput) -> dict[str, list[str]]:
    """Interest id -> evidence for one post: its text cues, then its confident photo styles."""
    found = interests_in_text(post.text.caption, post.text.hashtags)
    for style in _photo_styles(post):
        habit = STYLE_HABITS.get(style.top)
        if habit is not None and style.confidence >= MIN_STYLE_CONFIDENCE:
            found.setdefault(habit, []).append(f"photo style: {style.top.replace('_', ' ')}")
    return found


def interest_habits(posts: Sequence[PostInput], min_posts: int = MIN_POSTS) -> list[Habit]:
    """One Habit per interest shown by at least `min_posts` posts; strength = share of posts."""
    shown: dict[str, list[list[str]]] = defaultdict(list)
    for post in posts:
        for habit, evidence in interests_in_post(post).items():
            shown[habit].append(evidence)
    habits = []
    for habit, per_post in shown.items():
        if len(per_post) < min_posts:
            continue
        # One quote from each post first, so the evidence shows the habit recurring.
        firsts = list(dict.fromkeys(ev[0] for ev in per_post))
        rest = [e for ev in per_post for e in ev[1:] if e not in firsts]
        habits.append(Habit(habit, len(per_post) / len(posts), [*firsts, *rest][:MAX_EVIDENCE]))
    return habits


# --- rhythm ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RhythmStats:
    """Posting-time numbers of a profile, in the local time given by `utc_offset_hours`."""

    posts: int
    hours: list[int]
    """24 counts of posts by local hour."""
    night_share: float
    morning_share: float
    weekend_share: float
    median_gap_days: float | None
    """None below two posts."""
    gap_cv: float | None
    """Coefficient of variation (stdev / mean) of the gaps; None below three posts or mean 0."""
    frequent_share: float | None
    """Share of gaps of at most FREQUENT_GAP_DAYS; None below two posts."""
    zone: str
    """'UTC', 'UTC+2', 'UTC-3:30'."""


def _zone_label(utc_offset_hours: float) -> str:
    if utc_offset_hours == 0:
        return "UTC"
    sign = "+" if utc_offset_hours > 0 else "-"
    hours, minutes = divmod(round(abs(utc_offset_hours) * 60), 60)
    return f"UTC{sign}{hours}" + (f":{minutes:02d}" if minutes else "")


def _as_utc(moment: datetime) -> datetime:
    """Naive datetimes are taken as UTC (instaloader's `date_utc` is naive UTC)."""
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def rhythm_stats(times: Sequence[datetime], utc_offset_hours: float = 0.0) -> RhythmStats:
    """Hour histogram, night/morning/weekend shares and gap statistics of posting times."""
    shift = timedelta(hours=utc_offset_hours)
    utc = sorted(_as_utc(t) for t in times)
    local = [t + shift for t in utc]
    hours = [0] * 24
    for t in local:
        hours[t.hour] += 1
    n = len(local)

    def share(hits: int) -> float:
        return hits / n if n else 0.0

    gaps = [(b - a).total_seconds() / 86400 for a, b in pairwise(utc)]
    mean_gap = statistics.fmean(gaps) if gaps else 0.0
    return RhythmStats(
        posts=n,
        hours=hours,
        night_share=share(sum(hours[h] for h in NIGHT_HOURS)),
        morning_share=share(sum(hours[h] for h in MORNING_HOURS)),
        weekend_share=share(sum(t.weekday() >= 5 for t in local)),
        median_gap_days=statistics.median(gaps) if gaps else None,
        gap_cv=statistics.pstdev(gaps) / mean_gap if len(gaps) >= 2 and mean_gap > 0 else None,
        frequent_share=sum(g <= FREQUENT_GAP_DAYS for g in gaps) / len(gaps) if gaps else None,
        zone=_zone_label(utc_offset_hours),
    )


def _posts_of(share: float, stats: RhythmStats) -> int:
    return round(share * stats.posts)


def rhythm_habits(stats: RhythmStats) -> list[Habit]:
    """The rhythm habits the numbers support (none below MIN_TIMED_POSTS posts).

    - night_owl / early_bird: strength = share of posts between 22:00-04:00 / 05:00-09:00
      local; reported when >= MIN_HOUR_SHARE and at least 3 posts.
    - weekend_poster: strength = Saturday+Sunday share, reported when >= MIN_WEEKEND_SHARE.
    - weekday_poster: strength = Monday..Friday share, when >= MIN_WEEKDAY_SHARE over
      >= MIN_WEEKDAY_POSTS posts.
    - frequent_poster: strength = share of gaps <= FREQUENT_GAP_DAYS, when >= MIN_FREQUENT_SHARE.
    - regular_poster: strength = 1 - CV of the gaps, when CV <= MAX_REGULAR_CV.
    """
    if stats.posts < MIN_TIMED_POSTS:
        return []
    n, zone = stats.posts, stats.zone
    habits = []
    for name, share, window in (
        ("night_owl", stats.night_share, "22:00 and 04:00"),
        ("early_bird", stats.morning_share, "05:00 and 09:00"),
    ):
        if share >= MIN_HOUR_SHARE and _posts_of(share, stats) >= 3:
            text = f"{_posts_of(share, stats)} of {n} posts between {window} ({zone})"
            habits.append(Habit(name, share, [e for e in (text, _hour_peaks(stats)) if e]))
    weekend = stats.weekend_share
    if weekend >= MIN_WEEKEND_SHARE:
        text = f"{_posts_of(weekend, stats)} of {n} posts on Saturday or Sunday ({zone})"
        habits.append(Habit("weekend_poster", weekend, [text]))
    if 1 - weekend >= MIN_WEEKDAY_SHARE and n >= MIN_WEEKDAY_POSTS:
        text = f"{_posts_of(1 - weekend, stats)} of {n} posts on Monday to Friday ({zone})"
        habits.append(Habit("weekday_poster", 1 - weekend, [text]))
    gaps = f"median gap {stats.median_gap_days:.1f} days over {n} posts"
    if stats.frequent_share is not None and stats.frequent_share >= MIN_FREQUENT_SHARE:
        text = f"{stats.frequent_share:.0%} of posts within {FREQUENT_GAP_DAYS:.0f} days"
        habits.append(Habit("frequent_poster", stats.frequent_share, [text, gaps]))
    if stats.gap_cv is not None and stats.gap_cv <= MAX_REGULAR_CV:
        text = f"gap coefficient of variation {stats.gap_cv:.2f}"
        habits.append(Habit("regular_poster", 1 - stats.gap_cv, [gaps, text]))
    return habits


def _hour_peaks(stats: RhythmStats) -> str:
    top = peak_hours(stats.hours)
    if not top:
        return ""
    return f"busiest hours ({stats.zone}): " + ", ".join(
        f"{h:02d}:00 ({stats.hours[h]} posts)" for h in top
    )


# --- the analyzer ------------------------------------------------------------------------------


def habits_from_posts(
    posts: Sequence[PostInput], utc_offset_hours: float = 0.0, min_posts: int = MIN_POSTS
) -> HabitsResult:
    """Interests and rhythm of a list of posts, strongest first (ties by name)."""
    stats = rhythm_stats([p.taken_at for p in posts], utc_offset_hours)
    habits = interest_habits(posts, min_posts) + rhythm_habits(stats)
    habits.sort(key=lambda h: (-h.strength, h.name))
    return HabitsResult(habits=habits, posting_hours=stats.hours)


class HabitsAnalyzer:
    """ProfileAnalyzer 'habits': a pure function of the profile's posts, thread-safe."""

    name: ClassVar[str] = "habits"

    def __init__(self, utc_offset_hours: float = 0.0, min_posts: int = MIN_POSTS) -> None:
        self.utc_offset_hours = utc_offset_hours
        self.min_posts = min_posts

    def analyze(self, profile: ProfileInput) -> HabitsResult:
        return habits_from_posts(profile.posts, self.utc_offset_hours, self.min_posts)
