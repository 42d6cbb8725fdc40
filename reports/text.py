"""Short, friendly Telegram HTML texts of analysis results. Pure presentation: no analyzer logic.

Only <b>, <i> and <code> tags are produced, and every piece of user, Instagram or analyzer text
goes through html.escape. Long texts are cut into messages with split_message/split_caption.
"""

from __future__ import annotations

import statistics
from collections.abc import Collection, Iterable, Mapping
from datetime import datetime
from html import escape

from analyzers.types import (
    MOOD_STYLE_IDS,
    TRAIT_IDS,
    AlbumAnalysis,
    FacesResult,
    HabitsResult,
    PersonalityResult,
    PhotoAnalysis,
    PopularityResult,
    Pose,
    PostAnalysis,
    ProfileAnalysis,
    StyleResult,
)
from reports import format as fmt
from reports.names import (
    MOOD_NOTE,
    PERSONALITY_CAVEAT,
    STYLE_NAMES,
    TRAIT_NAMES,
    analyzer_name,
    emotion_name,
    humanize,
    style_name,
    trait_name,
)
from reports.portrait import portrait_text
from reports.split import split_caption, split_message

__all__ = [
    "PERSONALITY_CAVEAT",
    "STYLE_NAMES",
    "TRAIT_NAMES",
    "album_summary",
    "photo_summary",
    "profile_details",
    "profile_summary",
    "split_caption",
    "split_message",
]

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

_POSTURES = {"standing": "standing", "sitting": "sitting"}
_FRAMINGS = {"full_body": "full body", "half_body": "half body", "portrait": "portrait"}


def _e(text: str) -> str:
    return escape(text, quote=False)


_pct = fmt.percent


def _band(value: float, names: tuple[str, str, str]) -> str:
    """Pick the low/middle/high word for a value in 0..1 (thirds, for presentation only)."""
    return names[0] if value < 1 / 3 else names[1] if value < 2 / 3 else names[2]


def _date(moment: datetime) -> str:
    return f"{moment.day} {moment:%b %Y}"


def _sentence(text: str) -> str:
    """Capitalised, ending with a full stop."""
    text = text.strip()
    return text[:1].upper() + text[1:] + ("" if text.endswith((".", "!", "?")) else ".")


def _section(title: str, lines: Iterable[str], note: str = "") -> str:
    """A bold title (with an optional italic note after it) and its lines."""
    heading = f"<b>{title}</b>" + (f" <i>({note})</i>" if note else "")
    return "\n".join([heading, *lines])


def _unavailable_lines(unavailable: Mapping[str, str], hidden: Collection[str] = ()) -> str:
    lines = [
        f"{_e(analyzer_name(name))}: not available ({_e(reason)})"
        for name, reason in unavailable.items()
        if name not in hidden
    ]
    return "\n".join(lines)


# --- profile ---------------------------------------------------------------------------------


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
        _unavailable_lines(a.unavailable, hidden),
    ]
    return "\n\n".join(part for part in parts if part)


def _profile_header(a: ProfileAnalysis, own_profile: bool) -> str:
    who = f"<b>@{_e(a.username)}</b>"
    if a.full_name:
        who += f" ({_e(a.full_name)})"
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
    named = [f"{_e(style_name(s).lower())} ({_pct(v)})" for s, v in fmt.runners_up(subjects, 2)]
    if not named:
        return f"{_sentence(span)}"
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
        evidence = f": {_e(strongest.evidence[0])}" if strongest.evidence else ""
        return f"⭐ {_e(humanize(strongest.name))}{evidence}."
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
            f"<i>{_e(style_name(s).lower())}</i> ({_pct(v)})" for s, v in fmt.runners_up(subjects)
        ]
        rest = f"Mostly {named[0]}" + (f", then {fmt.listing(named[1:])}" if named[1:] else "")
        lines.append(rest + ".")
    if moods:
        listed = fmt.listing([f"{_e(style_name(s).lower())} in {_pct(v)}" for s, v in moods])
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
        return f"<b>Personality</b>: {_e(reason)}."
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
        evidence = f": {_e(habit.evidence[0])}" if habit.evidence else ""
        lines.append(f"• {_e(humanize(habit.name))} ({strength}){evidence}")
    if hours := fmt.hours_sentence(result.posting_hours):
        lines.append(hours)
    return _section("Habits", lines or ["Nothing stands out yet."])


def _most_liked_text(posts: list[PostAnalysis]) -> str:
    if not posts:
        return ""
    best = max(posts, key=lambda p: p.likes)
    what = ["video" if best.is_video else "photo"]
    if best.style is not None:
        what.append(f"<i>{_e(style_name(best.style.top).lower())}</i>")
    return (
        f"<b>Most liked</b>: {_date(best.taken_at)}, {', '.join(what)} "
        f"({fmt.count(best.likes, 'like')})."
    )


# --- one photo -------------------------------------------------------------------------------


def photo_summary(p: PhotoAnalysis) -> str:
    """The selfie report: faces and emotions, style, popularity with its reasons, and a line
    for every analyzer that did not run."""
    parts = [
        "🤳 <b>Your photo</b>",
        _faces_text(p.faces),
        _photo_style_text(p.style),
        _popularity_text(p.popularity),
        _unavailable_lines(p.unavailable),
    ]
    return "\n\n".join(part for part in parts if part)


def _faces_text(faces: FacesResult | None) -> str:
    if faces is None:
        return ""
    main = faces.main_face
    if main is None:
        return "<b>Faces</b>: no face found."
    count = "One face" if len(faces.faces) == 1 else f"{len(faces.faces)} faces; the biggest"
    if main.emotions:
        ranked = sorted(main.emotions.items(), key=lambda item: -item[1])
        text = f"{count} looks <b>{emotion_name(ranked[0][0]).lower()}</b> ({_pct(ranked[0][1])})"
        if ranked[1:] and ranked[1][1] >= 0.1:
            text += f", a bit {emotion_name(ranked[1][0]).lower()} ({_pct(ranked[1][1])})"
        text += "."
    else:
        text = f"{count} found; emotions not available."
    if faces.pose is not None:
        text += _pose_text(faces.pose)
    return f"<b>Faces</b>: {text}"


def _pose_text(pose: Pose) -> str:
    words = [w for w in (_POSTURES.get(pose.posture), _FRAMINGS.get(pose.framing)) if w]
    if pose.arms_raised:
        words.append("arms raised")
    return f" Pose: {', '.join(words)}." if words else ""


def _photo_style_text(style: StyleResult | None) -> str:
    if style is None:
        return ""
    top = fmt.runners_up(style.scores.items())
    named = [
        f"{_e(style_name(s).lower())} ({_pct(v)}"
        + (f", <i>{MOOD_NOTE}</i>)" if s in MOOD_STYLE_IDS else ")")
        for s, v in top
    ]
    text = f"<b>Style</b>: {named[0]}" + (f", then {fmt.listing(named[1:])}" if named[1:] else "")
    if style.evidence:
        text += f". Why: {_e(', '.join(style.evidence))}"
    return text + "."


def _popularity_text(result: PopularityResult | None) -> str:
    if result is None:
        return ""
    lines = [
        f"<b>Popularity</b>: {fmt.popularity_words(result)}.",
        f"<i>{_e(_sentence(result.reliability))}</i>",
    ]
    if result.reasons_for:
        lines.append(f"👍 {_e('; '.join(result.reasons_for))}")
    if result.reasons_against:
        lines.append(f"👎 {_e('; '.join(result.reasons_against))}")
    if result.suggestion:
        lines.append(f"💡 {_e(result.suggestion)}")
    return "\n".join(lines)


# --- album -----------------------------------------------------------------------------------


ALBUM_CLOSE_CALL = (
    "A close call: no single photo shows how a post will do, so this order is a best guess."
)


def album_summary(a: AlbumAnalysis) -> str:
    """The album ranking, best first, each with its short why; near-duplicates named."""
    if not a.photos:
        return "🖼 No photos to rank."
    lines = [f"🖼 <b>{len(a.photos)} photos, best first</b>"]
    scores = [p.popularity for p in a.photos if p.popularity is not None]
    uncertain = bool(scores) and all(fmt.too_wide(p) for p in scores)
    if uncertain:  # said once, not "(can't tell)" after every photo
        lines.append(f"<i>{ALBUM_CLOSE_CALL}</i>")
    for rank, index in enumerate(a.ranking, start=1):
        photo = a.photos[index]
        shown = photo.popularity is not None and not uncertain
        score = f" ({fmt.popularity_short(photo.popularity)})" if shown and photo.popularity else ""
        why = a.reasons.get(index)
        lines.append(f"{rank}. <b>Photo {index + 1}</b>{score}" + (f": {_e(why)}" if why else ""))
    parts = ["\n".join(lines)]
    duplicates = [sorted(group) for group in a.groups if len(group) > 1]
    if duplicates:
        named = [fmt.listing([str(i + 1) for i in group]) for group in duplicates]
        parts.append(
            "Near-duplicates: photos "
            + "; photos ".join(named)
            + ". Only the best of each set is near the top."
        )
    unavailable: dict[str, str] = {}
    for photo in a.photos:
        unavailable.update(photo.unavailable)
    parts.append(_unavailable_lines(unavailable))
    return "\n\n".join(part for part in parts if part)
