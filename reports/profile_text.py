"""The profile answer's texts: a short summary first, then the details (styles,
personality, habits, portrait, most liked post). Pure presentation: no analyzer logic.
"""

from __future__ import annotations

import statistics
from collections.abc import Iterable, Mapping
from datetime import datetime

from analyzers.types import (
    MOOD_STYLE_IDS,
    TRAIT_IDS,
    HabitsResult,
    PersonalityResult,
    PostAnalysis,
    ProfileAnalysis,
)
from reports import format as fmt
from reports.markup import escaped, sentence, unavailable_lines
from reports.names import MOOD_NOTE, PERSONALITY_CAVEAT, humanize, style_name, trait_name
from reports.portrait import portrait_text

_TRAIT_SENTENCES: dict[str, tuple[str, str, str]] = {
    # (low, middle, high)
    "openness": (
        "prefers the familiar and the practical.",
        "balances the familiar with the new.",
        "curious and open to new ideas and experiences.",
    ),
    "conscientiousness": (
        "spontaneous and flexible rather than planned.",
        "organised when it matters.",
        "organised, careful and dependable.",
    ),
    "extraversion": (
        "reserved; recharges in quiet.",
        "sociable, but also enjoys quiet time.",
        "outgoing and energised by other people.",
    ),
    "agreeableness": (
        "direct and competitive.",
        "friendly, yet ready to disagree.",
        "warm, trusting and cooperative.",
    ),
    "neuroticism": (
        "calm and emotionally steady.",
        "an ordinary mix of calm and worry.",
        "feels stress and worry strongly.",
    ),
}


def _band(value: float, names: tuple[str, str, str]) -> str:
    """Pick the low/middle/high word for a value in 0..1 (thirds, for presentation only)."""
    return names[0] if value < 1 / 3 else names[1] if value < 2 / 3 else names[2]


def _date(moment: datetime) -> str:
    return f"{moment.day} {moment:%b %Y}"


def _section(title: str, lines: Iterable[str], note: str = "") -> str:
    """A bold title (with an optional italic note after it) and its lines."""
    heading = f"<b>{title}</b>" + (f" <i>({note})</i>" if note else "")
    return "\n".join([heading, *lines])


def profile_summary(a: ProfileAnalysis, *, own_profile: bool = False) -> str:
    """The first answer for a profile, three or four lines: who, what the account posts, how
    it does, and one fact that stands out; never a mood style or personality (so nothing to
    hide for `hide_sensitive`). profile_details has the rest."""
    lines = [_profile_header(a, own_profile), _posts_line(a)]
    if a.posts:
        lines.append(_typical_post_line(a.posts, a.followers, own_profile))
    lines.append(_surprise(a))
    return "\n".join(line for line in lines if line)


def profile_details(a: ProfileAnalysis, *, hide_sensitive: bool = False) -> str:
    """The second message for a profile: styles, personality (only the traits with measured
    signal), habits, the most liked post, and a line for every analyzer that did not run.
    `hide_sensitive` drops mood styles and personality."""
    hidden = {"personality"} if hide_sensitive else set()
    parts = [
        _styles_text(a.style_shares, hide_sensitive, "style" in a.unavailable),
        "" if hide_sensitive else _personality_text(a.personality, "personality" in a.unavailable),
        _habits_text(a.habits, "habits" in a.unavailable),
        portrait_text(a.portrait, hide_sensitive=hide_sensitive),
        _most_liked_text(a.posts),
        unavailable_lines(a.unavailable, hidden),
    ]
    return "\n\n".join(part for part in parts if part)


def _profile_header(a: ProfileAnalysis, own_profile: bool) -> str:
    who = f"<b>@{escaped(a.username)}</b>"
    if a.full_name:
        who += f" ({escaped(a.full_name)})"
    first_line = f"📊 Your profile {who}" if own_profile else f"📊 {who}"
    if a.followers is not None:
        first_line += f" · {fmt.count(a.followers, 'follower')}"
    return first_line


def _posts_line(a: ProfileAnalysis) -> str:
    """What the account posts: its main styles and the span of the analysed posts."""
    if not a.posts:
        return "No posts to analyse yet."
    oldest, newest = min(p.taken_at for p in a.posts), max(p.taken_at for p in a.posts)
    span = f"{fmt.count(len(a.posts), 'post')} from {_date(oldest)} to {_date(newest)}"
    # Subjects only: a mood style is never the headline (the details name it, with its note).
    subjects = [(s, v) for s, v in a.style_shares.items() if v > 0 and s not in MOOD_STYLE_IDS]
    named = [
        f"{escaped(style_name(s).lower())} ({fmt.percent(v)})"
        for s, v in fmt.runners_up(subjects, 2)
    ]
    if not named:
        return f"{sentence(span)}"
    return f"Posts mostly {fmt.listing(named)} photos: {span}."


def _typical_post_line(posts: list[PostAnalysis], followers: int | None, own: bool) -> str:
    likes = statistics.median(p.likes for p in posts)
    comments = statistics.median(p.comments for p in posts)
    rate = f" ({fmt.percent(likes / followers, 1)} of followers)" if followers else ""
    typical = "Your typical post" if own else "A typical post"
    return f"{typical} gets {fmt.count(likes, 'like')} and {fmt.count(comments, 'comment')}{rate}."


SURPRISE_RATIO = 2.0
"""The most liked post is worth telling when it got at least this many times the median."""


def _surprise(a: ProfileAnalysis) -> str:
    """One fact that stands out: a post far above the usual, else the strongest habit, else
    the hours the account posts at."""
    if a.posts:
        likes = statistics.median(p.likes for p in a.posts)
        best = max(a.posts, key=lambda p: p.likes)
        if likes and best.likes >= SURPRISE_RATIO * likes:
            kind = "video" if best.is_video else "photo"
            return (
                f"⭐ Its most liked post, a {kind} from {_date(best.taken_at)}, got "
                f"{best.likes / likes:.0f}× the usual likes ({fmt.count(best.likes, 'like')})."
            )
    habits = a.habits
    if habits is not None and habits.habits:
        strongest = max(habits.habits, key=lambda h: h.strength)
        evidence = f": {escaped(strongest.evidence[0])}" if strongest.evidence else ""
        return f"⭐ {escaped(humanize(strongest.name))}{evidence}."
    if habits is not None:
        return fmt.hours_sentence(habits.posting_hours)
    return ""


def _styles_text(shares: Mapping[str, float], hide_sensitive: bool, unavailable: bool) -> str:
    ranked = sorted(((s, v) for s, v in shares.items() if v > 0), key=lambda item: -item[1])
    subjects = [(s, v) for s, v in ranked if s not in MOOD_STYLE_IDS]
    moods = [] if hide_sensitive else [(s, v) for s, v in ranked if s in MOOD_STYLE_IDS]
    if not subjects and not moods:
        return "" if unavailable else _section("Photo style", ["No photos to classify."])
    lines = []
    if subjects:
        named = [
            f"<i>{escaped(style_name(s).lower())}</i> ({fmt.percent(v)})"
            for s, v in fmt.runners_up(subjects)
        ]
        rest = f"Mostly {named[0]}" + (f", then {fmt.listing(named[1:])}" if named[1:] else "")
        lines.append(rest + ".")
    if moods:
        listed = fmt.listing(
            [f"{escaped(style_name(s).lower())} in {fmt.percent(v)}" for s, v in moods]
        )
        lines.append(f"Mood: {listed} of photos <i>({MOOD_NOTE})</i>.")
    return _section("Photo style", lines)


def readable_traits(result: PersonalityResult) -> list[str]:
    """The traits with a score and measured signal (the model card's weak traits left out)."""
    scores = result.scores or {}
    return [t for t in TRAIT_IDS if t in scores and t not in result.weak_traits]


def unreadable_note(result: PersonalityResult) -> str:
    """One line naming the traits posts cannot tell, '' when every trait is readable."""
    weak = [trait_name(t) for t in TRAIT_IDS if t in result.weak_traits]
    if not weak:
        return ""
    return f"{fmt.listing(weak)} cannot be read from posts."


def _personality_text(result: PersonalityResult | None, unavailable: bool) -> str:
    if result is None:
        return "" if unavailable else "<b>Personality</b>: not analysed."
    if result.scores is None:
        reason = (result.reason or "not enough text to say").rstrip(".")
        return f"<b>Personality</b>: {escaped(reason)}."
    scores = result.scores
    basis = f"from {fmt.count(result.words, 'word')} of captions" if result.words else ""
    typical = result.typical or {}
    lines = [
        f"• <b>{trait_name(t)}</b> {round(scores[t] * 100)}"
        + (f" (typical {round(typical[t] * 100)})" if t in typical else "")
        + ": "
        + _band(scores[t], _TRAIT_SENTENCES[t]).capitalize()
        for t in readable_traits(result)
    ]
    if note := unreadable_note(result):
        lines.append(f"<i>{note}</i>")
    lines.append(f"<i>{PERSONALITY_CAVEAT}</i>")
    return _section("Personality", lines, basis)


def _habits_text(result: HabitsResult | None, unavailable: bool) -> str:
    if result is None:
        return "" if unavailable else "<b>Habits</b>: not analysed."
    lines = []
    for habit in sorted(result.habits, key=lambda h: -h.strength):
        strength = _band(habit.strength, ("weak", "moderate", "strong"))
        evidence = f": {escaped(habit.evidence[0])}" if habit.evidence else ""
        lines.append(f"• {escaped(humanize(habit.name))} ({strength}){evidence}")
    if hours := fmt.hours_sentence(result.posting_hours):
        lines.append(hours)
    return _section("Habits", lines or ["Nothing stands out yet."])


def _most_liked_text(posts: list[PostAnalysis]) -> str:
    if not posts:
        return ""
    best = max(posts, key=lambda p: p.likes)
    what = ["video" if best.is_video else "photo"]
    if best.style is not None:
        what.append(f"<i>{escaped(style_name(best.style.top).lower())}</i>")
    return (
        f"<b>Most liked</b>: {_date(best.taken_at)}, {', '.join(what)} "
        f"({fmt.count(best.likes, 'like')})."
    )
