"""The answer to one photo (the selfie report): its text and its card (the photo with face
boxes, the main face's emotions, the top styles and the popularity gauge, a PNG 1080 px wide).
Pure presentation: no analyzer logic.
"""

from __future__ import annotations

from typing import cast

import numpy as np
from matplotlib.axes import Axes
from matplotlib.patches import Rectangle

from analyzers.types import (
    MOOD_STYLE_IDS,
    Face,
    FacesResult,
    PhotoAnalysis,
    PopularityResult,
    Pose,
    StyleResult,
)
from reports import format as fmt
from reports import theme
from reports.chart_parts import draw_photo, hbars, style_bars
from reports.markup import escaped, sentence, unavailable_lines
from reports.names import MOOD_NOTE, emotion_name, style_name

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


def selfie_card(photo: PhotoAnalysis, title: str = "Selfie report") -> bytes:
    """The photo with every face box (the main one highlighted and named by its emotion), the
    main face's emotion bars beside it, and below the top-3 styles and the popularity score
    with its band."""
    fig = theme.new_figure(SELFIE_ASPECT)
    theme.set_title(fig, title)
    # Two sub-figures, so the bottom panels' labels never squeeze the photo's column.
    top, bottom = cast(np.ndarray, fig.subfigures(2, 1, height_ratios=[1.5, 1]))
    photo_ax, emotions_ax = top.subplots(1, 2, width_ratios=[1.7, 1])
    style_ax, popularity_ax = bottom.subplots(1, 2, width_ratios=[1.2, 1])
    draw_photo(photo_ax, photo.image.pixels)
    faces = photo.faces.faces if photo.faces is not None else []
    main = photo.faces.main_face if photo.faces is not None else None
    for face in faces:
        _draw_face(photo_ax, face, is_main=face is main)
    theme.panel_title(emotions_ax, "Emotion")
    if photo.faces is None:
        theme.empty_panel(emotions_ax, _unavailable(photo, "faces", "Face analysis not available"))
    elif main is None:
        theme.empty_panel(emotions_ax, "No face found")
    elif not main.emotions:
        theme.empty_panel(emotions_ax, "Emotions not available")
    else:
        ranked = fmt.runners_up(main.emotions.items(), limit=4)
        hbars(
            emotions_ax,
            [(emotion_name(e), p) for e, p in ranked],
            colours=[theme.HIGHLIGHT] * len(ranked),
            min_rows=4,
        )
    theme.panel_title(style_ax, "Style")
    _style_top3(style_ax, photo.style, _unavailable(photo, "style", "Style not available"))
    _popularity_gauge(popularity_ax, photo)
    return theme.to_png(fig)


def _draw_face(ax: Axes, face: Face, *, is_main: bool) -> None:
    x, y, width, height = face.box
    colour = theme.HIGHLIGHT if is_main else theme.SKY
    ax.add_patch(
        Rectangle((x, y), width, height, fill=False, edgecolor=colour, lw=3 if is_main else 2)
    )
    emotion = face.dominant_emotion
    if is_main and emotion is not None:
        ax.text(
            x,
            y,
            emotion_name(emotion),
            ha="left",
            va="bottom",
            fontsize=theme.SMALL_SIZE,
            fontweight="bold",
            color=theme.INK,
            clip_on=True,
            bbox={"boxstyle": "square,pad=0.2", "facecolor": colour, "edgecolor": "none"},
        )


def _unavailable(photo: PhotoAnalysis, analyzer: str, fallback: str) -> str:
    reason = photo.unavailable.get(analyzer)
    return f"{fallback}: {reason}" if reason else fallback


def _style_top3(ax: Axes, style: StyleResult | None, missing: str) -> None:
    if style is None:
        theme.empty_panel(ax, missing)
        return
    style_bars(ax, fmt.runners_up(style.scores.items()))


def _popularity_gauge(ax: Axes, photo: PhotoAnalysis) -> None:
    """A marker on a low..high line, its band shaded around it, and the words for it; a band
    too wide to mean anything gets no marker, only the words saying so."""
    result = photo.popularity
    if result is None:
        theme.panel_title(ax, "Popularity")
        theme.empty_panel(ax, _unavailable(photo, "popularity", "Not available"))
        return
    theme.panel_title(ax, "Popularity")
    low, high = result.band
    ax.axhline(0.5, color=theme.GREY, lw=1)
    if not fmt.too_wide(result):  # a band over most of the scale is not drawn as a value
        ax.axvspan(low, high, ymin=0.3, ymax=0.7, color=theme.SKY, alpha=0.45, lw=0)
        ax.plot([result.score], [0.5], marker="D", color=theme.ACCENT, markersize=12)
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1)
    ax.set_yticks([])
    ax.set_xticks([0, 1], ["low", "high"])
    theme.label(ax, x=theme.wrap(_sentence_case(fmt.popularity_words(result)), 20, 4))
    theme.style_axes(ax, grid_axis=None)
    ax.spines["left"].set_visible(False)


def _sentence_case(text: str) -> str:
    return text[:1].upper() + text[1:]
