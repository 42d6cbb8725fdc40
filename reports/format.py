"""The one place that writes numbers, percentages, hours and scores for a person to read.

Texts and charts both go through these functions, so a number looks the same in a message and
on a chart: thousands separators, a unit, hours with their zone, and no score shown as a bare
number in 0..1. What a person sees for a score (a plain comparison, or "can't tell") is decided
here and only here.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from analyzers.types import PopularityResult, peak_hours

HOUR_ZONE = "UTC"
"""Instagram gives post times in UTC and no zone of the author: every hour is said in UTC."""
MIN_RUNNER_UP = 0.05
"""A runner-up below this share is not worth naming ("then illustration (0%)")."""
WIDE_BAND = 0.5
"""A popularity band at least this wide covers most of the scale: the score says nothing."""
MIN_PEAK_POSTS = 2
"""An hour with fewer posts than this is not a "busiest" hour."""


def number(value: float) -> str:
    """1594.4 -> '1,594' (rounded, with thousands separators)."""
    return f"{value:,.0f}"


def count(value: float, unit: str, plural: str | None = None) -> str:
    """(1594, 'like') -> '1,594 likes'; (1, 'like') -> '1 like'."""
    word = unit if round(value) == 1 else (plural or unit + "s")
    return f"{number(value)} {word}"


def percent(share: float, decimals: int = 0) -> str:
    """0.572 -> '57%'; (0.0491, 1) -> '4.9%'."""
    return f"{share * 100:,.{decimals}f}%"


def share_words(share: float) -> str:
    """0.3 -> '30%', 0.001 -> 'under 1%' (never a bare '0%' for something that is not none)."""
    return "under 1%" if 0 < share < 0.005 else percent(share)


def axis_number(value: float, _position: object = None) -> str:
    """A matplotlib tick formatter: 500000 -> '500,000' (FuncFormatter's signature)."""
    return number(value)


def hour(h: int) -> str:
    """23 -> '23:00' (the zone is said once, with hour_zone_note or HOUR_LABEL)."""
    return f"{h:02d}:00"


HOUR_LABEL = f"Hour of day ({HOUR_ZONE})"
"""The axis label of every posting-hour chart."""


def hours_sentence(hours: Sequence[int]) -> str:
    """'Posts most often around 23:00 and 04:00 UTC.', or '' when no hour stands out."""
    peaks = peak_hours(hours, min_posts=MIN_PEAK_POSTS)
    if not peaks:
        return ""
    return f"Posts most often around {listing([hour(h) for h in peaks])} {HOUR_ZONE}."


def listing(items: Sequence[str]) -> str:
    """'a', 'a and b', 'a, b and c'."""
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def runners_up(ranked: Iterable[tuple[str, float]], limit: int = 3) -> list[tuple[str, float]]:
    """The first item and the next ones worth naming (at least MIN_RUNNER_UP), best first."""
    items = sorted(ranked, key=lambda item: -item[1])
    return items[:1] + [item for item in items[1:limit] if item[1] >= MIN_RUNNER_UP]


def in_ten(share: float) -> int:
    """0.64 -> 6: 'about 6 in 10' (clamped to 1..9, so never 'none' or 'all')."""
    return min(9, max(1, round(share * 10)))


def too_wide(result: PopularityResult) -> bool:
    """Whether the score's band covers so much of the scale that the score says nothing."""
    low, high = result.band
    return high - low >= WIDE_BAND


def popularity_words(result: PopularityResult) -> str:
    """What a popularity score means, or plainly that one photo cannot tell."""
    if too_wide(result):
        return "can't tell from one photo how it will do"
    against = "this account's posts" if result.basis == "personal" else "typical posts"
    return f"likely to do better than about {in_ten(result.score)} in 10 of {against}"


def popularity_short(result: PopularityResult) -> str:
    """The chart's few words: 'beats ~6 in 10', or "can't tell"."""
    if too_wide(result):
        return "can't tell"
    return f"beats ~{in_ten(result.score)} in 10"
