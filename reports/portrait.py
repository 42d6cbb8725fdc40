"""The "Portrait" part of the profile answer: the sentences with their evidence, the interests
with the product categories they suggest, and what goes with more likes on this account."""

from __future__ import annotations

from html import escape

from analyzers.types import Driver, Interest, PortraitResult
from reports import format as fmt

MAX_EVIDENCE_POSTS = 3
"""Shortcodes shown after a sentence; the JSON report lists them all."""


def _e(text: str) -> str:
    return escape(text, quote=False)


def _evidence(posts: tuple[str, ...]) -> str:
    shown = ", ".join(posts[:MAX_EVIDENCE_POSTS])
    more = len(posts) - MAX_EVIDENCE_POSTS
    return f"posts {shown}" + (f" and {more} more" if more > 0 else "")


def _interest_line(interest: Interest) -> str:
    evidence = "; ".join(interest.evidence[:2])
    products = "; ".join(interest.products[:3])
    return (
        f"• <b>{_e(interest.name)}</b> ({fmt.percent(interest.score)} of posts: {_e(evidence)})"
        f"\n  <i>might like: {_e(products)}</i>"
    )


def _driver_line(driver: Driver) -> str:
    what = driver.words
    counts = f"{driver.with_posts} vs {driver.without_posts} posts"
    if driver.ratio is None or driver.p_value is None:
        return f"• {_e(what)}: can't tell yet ({counts})"
    ratio = f"{driver.ratio:.1f}× the median likes"
    return f"• {_e(what)}: {ratio}, {driver.verdict} ({counts}, p = {driver.p_value:.2f})"


def portrait_text(portrait: PortraitResult | None, *, hide_sensitive: bool = False) -> str:
    """The Portrait section; `hide_sensitive` leaves out mood statements. '' when there is
    nothing the signals support."""
    if portrait is None:
        return ""
    statements = [s for s in portrait.statements if not (hide_sensitive and s.sensitive)]
    parts: list[str] = []
    if statements:
        lines = [f"{_e(s.text)} <i>({_evidence(s.posts)})</i>" for s in statements]
        parts.append("\n".join(["<b>Portrait</b>", *lines]))
    if portrait.interests:
        lines = [_interest_line(i) for i in portrait.interests]
        parts.append("\n".join(["<b>Interests</b>", *lines]))
    if portrait.drivers or portrait.drivers_note:
        note = portrait.drivers_note[:1].upper() + portrait.drivers_note[1:]
        lines = [_driver_line(d) for d in portrait.drivers] or [_e(note) + "."]
        parts.append("\n".join(["<b>What goes with more likes here</b>", *lines]))
    return "\n\n".join(parts)
