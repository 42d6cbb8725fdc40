"""The answer to one photo (the selfie report): its text and its card (the photo with face
boxes, the main face's emotions, the top styles and the popularity gauge, a JPEG 1080 px
wide, drawn with Pillow).
Pure presentation: no analyzer logic.
"""

from __future__ import annotations

from analyzers.types import (
    MOOD_STYLE_IDS,
    FacesResult,
    PhotoAnalysis,
    PopularityResult,
    Pose,
    StyleResult,
)
from reports import format as fmt
from reports import palette
from reports.canvas import Box, Canvas, px
from reports.markup import escaped, sentence, unavailable_lines
from reports.names import MOOD_NOTE, emotion_name, style_bar_parts, style_name

_POSTURES = {"standing": "standing", "sitting": "sitting"}
_FRAMINGS = {"full_body": "full body", "half_body": "half body", "portrait": "portrait"}


def photo_summary(p: PhotoAnalysis) -> str:
    """The selfie report: faces and emotions, style, popularity with its reasons, and a line
    for every analyzer that did not run."""
    parts = [
        "🤳 <b>Your photo</b>",
        _faces_text(p.faces),
        _photo_style_text(p.style),
        _popularity_text(p.popularity),
        unavailable_lines(p.unavailable),
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
        first, share = ranked[0]
        text = f"{count} looks <b>{emotion_name(first).lower()}</b> ({fmt.percent(share)})"
        if ranked[1:] and ranked[1][1] >= 0.1:
            text += f", a bit {emotion_name(ranked[1][0]).lower()} ({fmt.percent(ranked[1][1])})"
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
        f"{escaped(style_name(s).lower())} ({fmt.percent(v)}"
        + (f", <i>{MOOD_NOTE}</i>)" if s in MOOD_STYLE_IDS else ")")
        for s, v in top
    ]
    text = f"<b>Style</b>: {named[0]}" + (f", then {fmt.listing(named[1:])}" if named[1:] else "")
    if style.evidence:
        text += f". Why: {escaped(', '.join(style.evidence))}"
    return text + "."


def _popularity_text(result: PopularityResult | None) -> str:
    if result is None:
        return ""
    lines = [
        f"<b>Popularity</b>: {fmt.popularity_words(result)}.",
        f"<i>{escaped(sentence(result.reliability))}</i>",
    ]
    if result.reasons_for:
        lines.append(f"👍 {escaped('; '.join(result.reasons_for))}")
    if result.reasons_against:
        lines.append(f"👎 {escaped('; '.join(result.reasons_against))}")
    if result.suggestion:
        lines.append(f"💡 {escaped(result.suggestion)}")
    return "\n".join(lines)


SELFIE_ASPECT = 1.25
"""The selfie card is a little taller than wide (a phone screen is taller still)."""
MARGIN = 24
"""Pixels between the card's edge, its title and its panels."""


def selfie_card(photo: PhotoAnalysis, title: str = "Selfie report") -> bytes:
    """The photo with every face box (the main one highlighted and named by its emotion), the
    main face's emotion bars beside it, and below the top-3 styles and the popularity score
    with its band: a JPEG 1080 px wide, drawn with Pillow (reports/canvas.py) in ~25 ms of CPU
    where matplotlib took ~0.55 s (benchmarks/bench_charts.py)."""
    card = Canvas(palette.WIDTH_PX, round(palette.WIDTH_PX * SELFIE_ASPECT))
    card.footer()
    content = card.title(title, MARGIN)
    content = content.take_bottom(px(palette.FOOTER_SIZE) * 1.5, gap=0)[0]
    top, bottom = content.rows([1.5, 1], gap=2 * MARGIN)
    photo_box, emotions_box = top.columns([1.45, 1], gap=2 * MARGIN)
    style_box, popularity_box = bottom.columns([1.2, 1], gap=2 * MARGIN)
    _photo_with_faces(card, photo_box, photo)
    _emotions(card, card.panel_title(emotions_box, "Emotion"), photo)
    style_box = card.panel_title(style_box, "Style")
    if photo.style is None:
        card.empty_panel(style_box, _unavailable(photo, "style", "Style not available"))
    else:
        _style_bars(card, style_box, fmt.runners_up(photo.style.scores.items()))
    _popularity_gauge(card, card.panel_title(popularity_box, "Popularity"), photo)
    return card.to_jpeg()


def _photo_with_faces(card: Canvas, box: Box, photo: PhotoAnalysis) -> None:
    placed = card.photo(box, photo.image.pixels)
    faces = photo.faces.faces if photo.faces is not None else []
    main = photo.faces.main_face if photo.faces is not None else None
    for face in sorted(faces, key=lambda f: f is main):  # the main face's box drawn last, on top
        is_main = face is main
        colour = palette.HIGHLIGHT if is_main else palette.SKY
        where = placed.map(*face.box)
        card.outline(where, colour, 3 if is_main else 2)
        emotion = face.dominant_emotion
        if is_main and emotion is not None:
            card.tag(where.x, where.y, emotion_name(emotion), colour, within=placed.box)


def _emotions(card: Canvas, box: Box, photo: PhotoAnalysis) -> None:
    main = photo.faces.main_face if photo.faces is not None else None
    if photo.faces is None:
        card.empty_panel(box, _unavailable(photo, "faces", "Face analysis not available"))
    elif main is None:
        card.empty_panel(box, "No face found")
    elif not main.emotions:
        card.empty_panel(box, "Emotions not available")
    else:
        ranked = fmt.runners_up(main.emotions.items(), limit=4)
        card.hbars(
            box,
            [(emotion_name(e), p) for e, p in ranked],
            colours=[palette.HIGHLIGHT] * len(ranked),
            min_rows=4,
        )


def _unavailable(photo: PhotoAnalysis, analyzer: str, fallback: str) -> str:
    reason = photo.unavailable.get(analyzer)
    return f"{fallback}: {reason}" if reason else fallback


def _style_bars(card: Canvas, box: Box, items: list[tuple[str, float]]) -> None:
    """Bars of (style id, share); mood styles in their own hatched colour and marked."""
    labelled, colours, hatched = style_bar_parts(items)
    card.hbars(box, labelled, colours=colours, hatched=hatched)


def _popularity_gauge(card: Canvas, box: Box, photo: PhotoAnalysis) -> None:
    """A marker on a low..high line, its band shaded around it, and the words for it; a band
    too wide to mean anything gets no marker, only the words saying so."""
    result = photo.popularity
    if result is None:
        card.empty_panel(box, _unavailable(photo, "popularity", "Not available"))
        return
    band = None if fmt.too_wide(result) else result.band
    card.gauge(box, result.score, band, _sentence_case(fmt.popularity_words(result)))


def _sentence_case(text: str) -> str:
    return text[:1].upper() + text[1:]
