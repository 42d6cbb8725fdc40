"""PNG charts of analysis results, sized for a phone. Pure presentation: no analyzer logic.

Every function returns PNG bytes 1080 px wide and can run in any worker thread (see theme.py),
except the heat maps, which are mostly photo and so JPEG (a sixth of the PNG's size, rendered
in about half the time).
"""

from __future__ import annotations

import io
import math
import statistics
from collections import Counter
from collections.abc import Callable, Sequence
from datetime import timedelta
from typing import cast

import matplotlib.dates as mdates
import numpy as np
from matplotlib import colormaps
from matplotlib.axes import Axes
from matplotlib.cm import ScalarMappable
from matplotlib.colors import ListedColormap, Normalize
from matplotlib.lines import Line2D
from matplotlib.patches import Rectangle
from matplotlib.ticker import FuncFormatter, PercentFormatter
from scipy.ndimage import gaussian_filter

from analyzers.explain import StyleExplanation
from analyzers.habits import peak_hours
from analyzers.types import (
    MOOD_STYLE_IDS,
    AlbumAnalysis,
    Face,
    HabitsResult,
    PersonalityResult,
    PhotoAnalysis,
    PostAnalysis,
    ProfileAnalysis,
    StyleResult,
)
from reports import format as fmt
from reports import theme
from reports.names import (
    MOOD_LABEL,
    PERSONALITY_CAVEAT,
    emotion_name,
    humanize,
    style_name,
    style_words,
    trait_name,
)
from reports.text import readable_traits, unreadable_note

MAX_STYLE_COLOURS = 6
"""The engagement chart colours this many styles; the rest are 'Other' (grey)."""
MAX_HABIT_BARS = 8
"""The habits chart shows at most this many of the strongest habits (the text lists them all)."""
THUMBNAIL_PX = 360
_HEAT_RAMP = np.linspace(0, 1, 256)
_HEAT_OVERLAY = ListedColormap(
    np.column_stack(
        [
            colormaps[theme.HEAT_CMAP](0.35 + 0.65 * _HEAT_RAMP)[:, :3],
            0.8 * np.clip((_HEAT_RAMP - 0.25) / 0.75, 0, 1) ** 1.5,
        ]
    )
)
"""The heat colour map: fully see-through in the coldest quarter and fading in above it, from
red to yellow (the dark purples of the low end tinted the whole photo murky), so the photo
shows untouched where the model did not look; the colour bar, drawn on white, shows exactly
what the overlay does."""


def _style_label(style_id: str) -> str:
    name = style_name(style_id)
    return f"{name}\n({MOOD_LABEL})" if style_id in MOOD_STYLE_IDS else name


def _style_bars(ax: Axes, items: Sequence[tuple[str, float]]) -> None:
    """Bars of (style id, share); mood styles in their own hatched colour and marked."""
    _hbars(
        ax,
        [(_style_label(style_id), share) for style_id, share in items],
        colours=[theme.MOOD if s in MOOD_STYLE_IDS else theme.ACCENT for s, _ in items],
        hatched=[s in MOOD_STYLE_IDS for s, _ in items],
    )


def _hbars(
    ax: Axes,
    items: Sequence[tuple[str, float]],
    *,
    colours: Sequence[str] | None = None,
    hatched: Sequence[bool] | None = None,
    min_rows: int = 3,
) -> None:
    """Horizontal bars of shares in 0..1, first item on top, each labelled with its percent;
    fewer than `min_rows` bars keep a bar's usual thickness instead of filling the panel."""
    positions = np.arange(len(items))
    values = [value for _, value in items]
    bars = ax.barh(
        positions,
        values,
        height=0.65,
        color=list(colours) if colours else theme.ACCENT,
        edgecolor="white",
    )
    for bar, is_hatched in zip(bars, hatched or [False] * len(items), strict=True):
        if is_hatched:
            bar.set_hatch("//")
    ax.set_yticks(positions, [theme.plain(name) for name, _ in items])
    ax.set_ylim(max(len(items), min_rows) - 0.5, -0.5)
    ax.set_xlim(0, max(max(values, default=0.0) * 1.22, 0.05))
    ax.xaxis.set_major_formatter(PercentFormatter(1.0, decimals=0))
    for bar, value in zip(bars, values, strict=True):
        ax.text(
            bar.get_width(),
            bar.get_y() + bar.get_height() / 2,
            f" {fmt.percent(value)}",
            va="center",
            fontsize=theme.TICK_SIZE,
            color=theme.INK,
        )
    theme.style_axes(ax, grid_axis="x")


def style_mix_chart(shares: dict[str, float], title: str, *, hide_sensitive: bool = False) -> bytes:
    """Horizontal bars of the style shares, largest first; mood styles hatched and marked.

    `hide_sensitive` leaves the mood styles out (the shown percentages stay those of all photos).
    """
    fig = theme.new_figure(theme.LANDSCAPE)
    ax = fig.add_subplot()
    theme.set_title(fig, title)
    items = sorted(
        (
            (style_id, share)
            for style_id, share in shares.items()
            if share > 0 and not (hide_sensitive and style_id in MOOD_STYLE_IDS)
        ),
        key=lambda item: -item[1],
    )
    if not items:
        theme.empty_panel(ax, "No analysed photos to show")
        return theme.to_png(fig)
    _style_bars(ax, items)
    theme.label(ax, x="Share of analysed photos")
    return theme.to_png(fig)


def big_five_chart(result: PersonalityResult, title: str = "Personality (Big Five)") -> bytes:
    """Bars of the traits with measured signal (0..100), a tick where a typical writer lands,
    and one line naming the traits posts cannot tell.

    Raises ValueError when the result has no scores or no readable trait: say why in text.
    """
    if result.scores is None:
        raise ValueError(f"no personality scores to draw ({result.reason or 'no reason given'})")
    traits = readable_traits(result)
    if not traits:
        raise ValueError("no personality trait carries measured signal")
    fig = theme.new_figure(0.42 + 0.09 * len(traits))
    words = f"From {fmt.count(result.words, 'word')} of captions." if result.words else ""
    theme.set_title(
        fig,
        title,
        " ".join(part for part in (words, unreadable_note(result), PERSONALITY_CAVEAT) if part)
        + " Dark line: a typical writer.",
        subtitle_lines=3,
    )
    ax = fig.add_subplot()
    scores = [float(np.clip(result.scores[t], 0.0, 1.0)) * 100 for t in traits]
    positions = np.arange(len(traits))
    ax.barh(positions, scores, height=0.6, color=theme.ACCENT)
    typical = result.typical or {}
    for position, trait, score in zip(positions, traits, scores, strict=True):
        ax.text(score, position, f" {score:.0f}", va="center", fontsize=theme.TICK_SIZE)
        mark = typical.get(trait, 0.5) * 100
        ax.plot([mark, mark], [position - 0.42, position + 0.42], color=theme.INK, lw=2.5)
    ax.set_yticks(positions, [trait_name(t) for t in traits])
    ax.set_ylim(max(len(traits), 2) - 0.5, -0.5)
    ax.set_xlim(0, 112)
    ax.set_xticks([0, 50, 100], ["low 0", "50", "100 high"])
    theme.style_axes(ax, grid_axis="x")
    return theme.to_png(fig)


def habits_chart(result: HabitsResult, title: str = "Posting habits") -> bytes:
    """Habit strengths as bars, and the posting-hour histogram (UTC) as a second panel; the
    figure is as tall as its bars need, so a profile with two habits leaves no empty half."""
    habits = sorted(result.habits, key=lambda habit: -habit.strength)[:MAX_HABIT_BARS]
    rows = max(len(habits), 1)
    fig = theme.new_figure(0.5 + 0.075 * rows)
    theme.set_title(fig, title)
    top, bottom = fig.subplots(2, 1, height_ratios=[0.25 + 0.3 * rows, 1.6])
    theme.panel_title(top, "How strong each habit is")
    if habits:
        _hbars(
            top,
            [(theme.wrap(humanize(h.name), 24), float(np.clip(h.strength, 0, 1))) for h in habits],
            min_rows=1,
        )
        top.set_xlim(0, 1.12)
    else:
        theme.empty_panel(top, "No clear habits yet")
    theme.panel_title(bottom, "When posts go up")
    hours = list(result.posting_hours)
    if len(hours) == 24 and sum(hours) > 0:
        peaks = set(peak_hours(hours, min_posts=fmt.MIN_PEAK_POSTS))
        colours = [theme.HIGHLIGHT if hour in peaks else theme.ACCENT for hour in range(24)]
        bottom.bar(range(24), hours, color=colours, width=0.8)
        bottom.set_xticks(range(0, 24, 6), [fmt.hour(hour) for hour in range(0, 24, 6)])
        bottom.set_xlim(-0.6, 23.6)
        bottom.yaxis.get_major_locator().set_params(integer=True)
        theme.style_axes(bottom, grid_axis="y")
        theme.label(bottom, x=fmt.HOUR_LABEL, y="Posts")
    else:
        theme.empty_panel(bottom, "No posting times known")
    return theme.to_png(fig)


def _style_colours(posts: Sequence[PostAnalysis]) -> dict[str | None, str]:
    """The most frequent top styles get the palette's colours; every other one is grey."""
    counts = Counter(post.style.top for post in posts if post.style is not None)
    common = [style for style, _ in counts.most_common(MAX_STYLE_COLOURS)]
    return {style: theme.SERIES[i] for i, style in enumerate(common)}


def _scatter_posts(
    ax: Axes, posts: Sequence[PostAnalysis], values: Sequence[float], colours: dict[str | None, str]
) -> None:
    for is_video, marker in ((False, "o"), (True, "^")):
        chosen = [i for i, post in enumerate(posts) if post.is_video == is_video]
        if not chosen:
            continue
        ax.scatter(
            mdates.date2num([posts[i].taken_at for i in chosen]),
            [values[i] for i in chosen],
            c=[colours.get(_top_style(posts[i]), theme.GREY) for i in chosen],
            marker=marker,
            s=55 if is_video else 45,
            alpha=0.9,
            edgecolors="white",
            linewidths=0.8,
            zorder=3,
        )
    ax.axhline(statistics.median(values), color=theme.MUTED, linestyle="--", lw=1.2, zorder=2)
    ax.set_ylim(bottom=0)
    ax.yaxis.set_major_formatter(FuncFormatter(fmt.axis_number))
    theme.style_axes(ax, grid_axis="y")


def _median_title(ax: Axes, values: Sequence[float], unit: str) -> None:
    """The panel's name with its median, above the panel where no data point can hide it."""
    median = fmt.number(statistics.median(values))
    theme.panel_title(ax, f"{unit.capitalize()}s · median {median} (dashed)")


def _top_style(post: PostAnalysis) -> str | None:
    style = post.style
    return style.top if style is not None else None


def engagement_chart(
    posts: list[PostAnalysis],
    followers: int | None,
    title: str = "Likes and comments per post",
) -> bytes:
    """Likes (top) and comments (bottom) over time, coloured by each post's top style.

    Videos are triangles, photos circles; the dashed line is the median. When the follower
    count is known, a right-hand axis reads likes as a percentage of followers.
    """
    fig = theme.new_figure(theme.SQUARE)
    theme.set_title(fig, title)
    if not posts:
        theme.empty_panel(fig.add_subplot(), "No posts to show")
        return theme.to_png(fig)
    ordered = sorted(posts, key=lambda post: post.taken_at)
    colours = _style_colours(ordered)
    likes_ax, comments_ax = fig.subplots(2, 1, sharex=True, height_ratios=[2.2, 1])
    for ax, unit, values in (
        (likes_ax, "like", [post.likes for post in ordered]),
        (comments_ax, "comment", [post.comments for post in ordered]),
    ):
        _scatter_posts(ax, ordered, values, colours)
        _median_title(ax, values, unit)
    if followers:
        share = likes_ax.secondary_yaxis(
            "right", functions=(lambda v: v / followers, lambda v: v * followers)
        )
        share.yaxis.set_major_formatter(PercentFormatter(1.0))
        share.tick_params(labelsize=theme.TICK_SIZE, colors=theme.MUTED)
        share.spines["right"].set_color(theme.GREY)
        share.set_ylabel("Likes as % of followers", fontsize=theme.LABEL_SIZE, color=theme.MUTED)
    first, last = ordered[0].taken_at, ordered[-1].taken_at
    margin = max((last - first) * 0.04, timedelta(days=2))
    comments_ax.set_xlim(mdates.date2num(first - margin), mdates.date2num(last + margin))
    locator = mdates.AutoDateLocator(minticks=3, maxticks=6)
    comments_ax.xaxis.set_major_locator(locator)
    # The year goes into the axis label rather than floating in a corner as an offset.
    comments_ax.xaxis.set_major_formatter(mdates.ConciseDateFormatter(locator, show_offset=False))
    years = sorted({first.year, last.year})
    theme.label(comments_ax, x="Posted in " + "–".join(str(year) for year in years))
    fig.legend(
        handles=_engagement_legend(ordered, colours),
        loc="outside lower center",
        ncols=3,
        fontsize=theme.SMALL_SIZE,
        frameon=False,
    )
    return theme.to_png(fig)


def _engagement_legend(
    posts: Sequence[PostAnalysis], colours: dict[str | None, str]
) -> list[Line2D]:
    def dot(colour: str, text: str, marker: str = "o") -> Line2D:
        return Line2D([], [], marker=marker, linestyle="", color=colour, markersize=8, label=text)

    handles = [
        dot(colour, theme.plain(style_name(str(style)))) for style, colour in colours.items()
    ]
    if any(_top_style(post) not in colours for post in posts):
        handles.append(dot(theme.GREY, "Other / unknown style"))
    if any(post.is_video for post in posts):
        handles += [dot(theme.INK, "Photo"), dot(theme.INK, "Video", "^")]
    return handles


def _draw_photo(ax: Axes, pixels: np.ndarray) -> None:
    ax.imshow(pixels, cmap="gray" if pixels.ndim == 2 else None, interpolation="antialiased")
    ax.set_xticks([])
    ax.set_yticks([])
    for spine in ax.spines.values():
        spine.set_visible(False)


def _thumbnail(pixels: np.ndarray) -> np.ndarray:
    """The photo's central square, stride-subsampled to about THUMBNAIL_PX (a tidy grid)."""
    height, width = pixels.shape[:2]
    side = min(height, width)
    top, left = (height - side) // 2, (width - side) // 2
    step = max(1, side // THUMBNAIL_PX)
    return pixels[top : top + side : step, left : left + side : step]


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
    _draw_photo(photo_ax, photo.image.pixels)
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
        _hbars(
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
    _style_bars(ax, fmt.runners_up(style.scores.items()))


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


def album_chart(album: AlbumAnalysis, title: str = "Your photos, best first") -> bytes:
    """Thumbnails in rank order with rank and score; near-duplicates share a lettered frame."""
    order = list(album.ranking) + [i for i in range(len(album.photos)) if i not in album.ranking]
    columns = 1 if len(order) <= 1 else 2 if len(order) in (2, 4) else 3 if len(order) <= 9 else 4
    rows = max(1, math.ceil(len(order) / columns))
    duplicates = [group for group in album.groups if len(group) > 1]
    note = "Same letter and frame colour: near-duplicates." if duplicates else None
    # As tall as the grid of square thumbnails and their labels needs: no empty band below.
    fig = theme.new_figure((rows * 1.15 + (0.35 if note else 0.25)) / columns)
    theme.set_title(fig, title, note)
    if not order:
        theme.empty_panel(fig.add_subplot(), "No photos to rank")
        return theme.to_png(fig)
    group_of = {
        index: (chr(ord("A") + number), theme.SERIES[1:][number % (len(theme.SERIES) - 1)])
        for number, group in enumerate(duplicates)
        for index in group
    }
    ranks = {index: rank for rank, index in enumerate(album.ranking, start=1)}
    axes = fig.subplots(rows, columns, squeeze=False).ravel()
    for ax, index in zip(axes, order, strict=False):
        photo = album.photos[index]
        _draw_photo(ax, _thumbnail(photo.image.pixels))
        rank = f"{ranks[index]}. " if index in ranks else "unranked: "
        # The same words as the text's list: "1. Photo 3", best first.
        ax.set_title(
            f"{rank}Photo {index + 1}",
            fontsize=theme.LABEL_SIZE,
            fontweight="bold",
            color=theme.INK,
        )
        if index in group_of:
            _mark_group(ax, *group_of[index])
    for ax in axes[len(order) :]:
        ax.set_axis_off()
    return theme.to_png(fig)


def _mark_group(ax: Axes, letter: str, colour: str) -> None:
    for spine in ax.spines.values():
        spine.set_visible(True)
        spine.set_color(colour)
        spine.set_linewidth(4)
    ax.text(
        0.04,
        0.96,
        letter,
        transform=ax.transAxes,
        ha="left",
        va="top",
        fontsize=theme.LABEL_SIZE,
        fontweight="bold",
        color="white",
        bbox={"boxstyle": "round,pad=0.25", "facecolor": colour, "edgecolor": "none"},
    )


HEATMAP_MARGIN_PX = 30
JPEG_QUALITY = 90
HEATMAP_TITLE_PX = 110
HEATMAP_NOTE_WIDTH = 68
"""Characters per line of the notes under a heat map."""
HEATMAP_ASPECTS = (0.5, 1.5)
"""The photo panel follows the photo's height/width within these bounds (letterboxed beyond)."""
_UNSEEN_VEIL = (1.0, 1.0, 1.0, 0.6)


def heatmap_legend_px(note_lines: int) -> int:
    """Height of the band under the photo: the colour bar and `note_lines` lines of notes."""
    return 170 + 40 * note_lines


def _note_lines(notes: Sequence[str]) -> list[str]:
    return [
        line
        for note in notes
        for line in theme.wrap(note, HEATMAP_NOTE_WIDTH, max_lines=3).splitlines()
    ]


def heatmap_size(width: int, height: int, note_lines: int = 0) -> tuple[int, int]:
    """(width, height) in pixels of the heatmap_overlay image of a `width` x `height` photo
    with `note_lines` lines of notes: the photo panel keeps the photo's aspect, with bands
    above (title) and below (legend and notes, no taller than they need)."""
    low, high = HEATMAP_ASPECTS
    panel = theme.WIDTH_PX - 2 * HEATMAP_MARGIN_PX
    photo = round(panel * min(max(height / width, low), high))
    return theme.WIDTH_PX, HEATMAP_TITLE_PX + photo + heatmap_legend_px(note_lines)


def heatmap_overlay(
    photo_pixels: np.ndarray,
    heat: np.ndarray,
    title: str,
    *,
    legend: str = "Where the model looked",
    notes: Sequence[str] = (),
    seen: tuple[int, int, int] | None = None,
) -> bytes:
    """`heat` (values in 0..1, any HxW: it is stretched over the photo) drawn over the photo,
    cold areas see-through so the photo shows; a colour bar named `legend` and `notes` (grey
    lines, e.g. caveats) below it. `seen` = (top, left, side): the square the model looked at;
    on a photo that is not square, the rest is veiled and the square outlined (a square photo
    loses only a thin frame to the centre crop: not worth a veil). Returns JPEG bytes."""
    if heat.ndim != 2 or photo_pixels.ndim not in (2, 3):
        raise ValueError(
            f"heat must be HxW and the photo HxW(x3): {heat.shape}, {photo_pixels.shape}"
        )
    height, width = photo_pixels.shape[:2]
    lines = _note_lines(notes)
    fig_w, fig_h = heatmap_size(width, height, len(lines))
    legend_px = heatmap_legend_px(len(lines))
    fig = theme.new_figure(fig_h / fig_w)
    fig.set_layout_engine("none")
    theme.set_title(fig, title)
    margin = HEATMAP_MARGIN_PX / fig_w
    photo_h = fig_h - HEATMAP_TITLE_PX - legend_px
    ax = fig.add_axes((margin, legend_px / fig_h, 1 - 2 * margin, photo_h / fig_h))
    _draw_photo(ax, photo_pixels)
    values = _smooth(np.clip(np.nan_to_num(heat.astype(np.float32)), 0.0, 1.0))
    mappable = ScalarMappable(norm=Normalize(0.0, 1.0), cmap=_HEAT_OVERLAY)
    extent = (-0.5, width - 0.5, height - 0.5, -0.5)
    ax.imshow(mappable.to_rgba(values), extent=extent, interpolation="bilinear")
    if seen is not None and height != width:
        _veil_unseen(ax, seen, width, height)
    bar_y = (legend_px - 80) / fig_h
    bar = fig.add_axes((0.25, bar_y, 0.5, 22 / fig_h))
    colourbar = fig.colorbar(mappable, cax=bar, orientation="horizontal", ticks=[0, 1])
    colourbar.ax.set_xticklabels(["low", "high"], fontsize=theme.SMALL_SIZE, family=theme.FONT)
    colourbar.outline.set_visible(False)
    bar.set_title(theme.plain(legend), fontsize=theme.LABEL_SIZE, family=theme.FONT)
    fig.text(
        0.5,
        bar_y - 50 / fig_h,
        theme.plain("\n".join(lines)),
        ha="center",
        va="top",
        fontsize=theme.SMALL_SIZE,
        family=theme.FONT,
        color=theme.MUTED,
        linespacing=1.4,
    )
    buffer = io.BytesIO()
    fig.savefig(
        buffer,
        format="jpeg",
        dpi=theme.DPI,
        facecolor="white",
        pil_kwargs={"quality": JPEG_QUALITY},
    )
    return buffer.getvalue()


HEAT_BLUR = 0.03
"""Blur of the heat, as a share of its longer side: the occlusion grid stretched over the
photo otherwise shows its cells as streaks and hard edges that read as artefacts."""


def _smooth(heat: np.ndarray) -> np.ndarray:
    """The heat blurred by HEAT_BLUR, rescaled so its peak keeps its value."""
    if not heat.any():
        return heat
    blurred = gaussian_filter(heat, sigma=HEAT_BLUR * max(heat.shape))
    return np.asarray(blurred * (heat.max() / max(float(blurred.max()), 1e-6)), np.float32)


LOW_HEAD_PROBABILITY = 0.2
"""Below this, the image-only head hardly sees the style: the chart says the map means little."""


def style_heatmap_chart(photo_pixels: np.ndarray, style: str, why: StyleExplanation) -> bytes:
    """ "Why <style>?": the occlusion map over the photo, with what it can and cannot tell."""
    name = style_words(style)
    return heatmap_overlay(
        photo_pixels,
        why.heat,
        f"Why {name}?",
        legend=f"Where the model looked for {name}",
        notes=heatmap_notes(style, why, photo_pixels.shape[:2]),
        seen=why.seen,
    )


def heatmap_notes(style: str, why: StyleExplanation, photo_shape: tuple[int, ...]) -> list[str]:
    """The caveats printed under a style heat map: what it shows, and when it says little."""
    name = style_words(style)
    notes = [
        "It shows what the image-only style model reacts to, not the faces, captions or "
        "hashtags the report also weighs."
    ]
    if why.probability < LOW_HEAD_PROBABILITY:
        notes.append(
            f"That model alone gives {name} only {fmt.share_words(why.probability)} here: the "
            "report's answer leans on those other cues, so this map says little."
        )
    if not why.heat.any():
        notes.append("Hiding any one part changed little: no single region stood out.")
    if photo_shape[0] != photo_shape[1] and why.seen[2] < max(photo_shape[:2]):
        notes.append("The veiled edges are outside the square the model sees.")
    return notes


def _veil_unseen(ax: Axes, seen: tuple[int, int, int], width: int, height: int) -> None:
    top, left, side = seen
    veil = np.zeros((height, width, 4), np.float32)
    veil[...] = _UNSEEN_VEIL
    veil[top : top + side, left : left + side, 3] = 0.0
    ax.imshow(veil, extent=(-0.5, width - 0.5, height - 0.5, -0.5), interpolation="nearest")
    if side < max(height, width):  # the square misses part of the photo: outline it
        ax.add_patch(
            Rectangle(
                (left - 0.5, top - 0.5),
                side,
                side,
                fill=False,
                edgecolor=theme.INK,
                lw=1.5,
                linestyle="--",
            )
        )


def profile_chart_jobs(
    a: ProfileAnalysis, *, hide_sensitive: bool = False
) -> list[tuple[str, Callable[[], bytes]]]:
    """The charts worth sending for a profile, in the order to send them, as (name, render)
    pairs so the caller can render them in parallel worker threads. A chart with nothing to
    draw is left out (the text summary says why); `hide_sensitive` leaves out mood styles and
    personality, as profile_summary does."""
    jobs: list[tuple[str, Callable[[], bytes]]] = []
    styles = {
        style: share
        for style, share in a.style_shares.items()
        if share > 0 and not (hide_sensitive and style in MOOD_STYLE_IDS)
    }
    if styles:
        title = f"@{a.username}: photo styles"
        jobs.append(("styles", lambda: style_mix_chart(styles, title)))
    if a.posts:
        jobs.append(("engagement", lambda: engagement_chart(a.posts, a.followers)))
    habits = a.habits
    if habits is not None and (habits.habits or sum(habits.posting_hours) > 0):
        jobs.append(("habits", lambda: habits_chart(habits)))
    personality = a.personality
    if (
        not hide_sensitive
        and personality is not None
        and personality.scores is not None
        and readable_traits(personality)
    ):
        jobs.append(("personality", lambda: big_five_chart(personality)))
    return jobs


__all__ = [
    "album_chart",
    "big_five_chart",
    "engagement_chart",
    "habits_chart",
    "heatmap_notes",
    "heatmap_overlay",
    "heatmap_size",
    "profile_chart_jobs",
    "selfie_card",
    "style_heatmap_chart",
    "style_mix_chart",
]
