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
from matplotlib.projections.polar import PolarAxes
from matplotlib.ticker import PercentFormatter

from analyzers.explain import StyleExplanation
from analyzers.types import (
    MOOD_STYLE_IDS,
    TRAIT_IDS,
    AlbumAnalysis,
    Face,
    HabitsResult,
    PersonalityResult,
    PhotoAnalysis,
    PostAnalysis,
    ProfileAnalysis,
    StyleResult,
)
from reports import theme
from reports.names import (
    MOOD_LABEL,
    PERSONALITY_CAVEAT,
    WEAK_TRAIT_NOTE,
    emotion_name,
    humanize,
    style_name,
    trait_name,
)

MAX_STYLE_COLOURS = 6
"""The engagement chart colours this many styles; the rest are 'Other' (grey)."""
MAX_HABIT_BARS = 8
"""The habits chart shows at most this many of the strongest habits (the text lists them all)."""
THUMBNAIL_PX = 360
_HEAT_OVERLAY = ListedColormap(
    np.column_stack(
        [colormaps[theme.HEAT_CMAP](np.linspace(0, 1, 256))[:, :3], np.linspace(0, 0.75, 256)]
    )
)
"""The heat colour map fading to transparent when cold, so the photo shows through (and the
colour bar, drawn on white, shows exactly what the overlay does)."""


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
) -> None:
    """Horizontal bars of shares in 0..1, first item on top, each labelled with its percent."""
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
    # First item on top; a few bars keep a bar's usual thickness instead of filling the panel.
    ax.set_ylim(max(len(items), 3) - 0.5, -0.5)
    ax.set_xlim(0, max(max(values, default=0.0) * 1.22, 0.05))
    ax.xaxis.set_major_formatter(PercentFormatter(1.0, decimals=0))
    for bar, value in zip(bars, values, strict=True):
        ax.text(
            bar.get_width(),
            bar.get_y() + bar.get_height() / 2,
            f" {value:.0%}",
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
    """A radar of the five trait scores with a typical writer's ring and the confidence stated.

    Raises ValueError when the result has no scores: say why in text instead of drawing.
    """
    if result.scores is None:
        raise ValueError(f"no personality scores to draw ({result.reason or 'no reason given'})")
    missing = [trait for trait in TRAIT_IDS if trait not in result.scores]
    if missing:
        raise ValueError(f"personality scores lack {', '.join(missing)}")
    scores = [float(np.clip(result.scores[trait], 0.0, 1.0)) for trait in TRAIT_IDS]
    fig = theme.new_figure(theme.LANDSCAPE)
    words = f" (from {result.words:,} words of captions)" if result.words else ""
    weak = f" {WEAK_TRAIT_NOTE}" if result.weak_traits else ""
    theme.set_title(
        fig,
        title,
        f"Confidence: {result.confidence:.0%}{words}. {PERSONALITY_CAVEAT} "
        f"Dashed: a typical writer.{weak}",
        subtitle_lines=3,
    )
    ax = cast(PolarAxes, fig.add_subplot(projection="polar"))
    angles = np.linspace(0, 2 * math.pi, len(TRAIT_IDS), endpoint=False)
    closed_angles = np.append(angles, angles[0])
    ax.set_theta_offset(math.pi / 2)
    ax.set_theta_direction(-1)
    typical = [(result.typical or {}).get(trait, 0.5) for trait in TRAIT_IDS]
    ax.plot(closed_angles, [*typical, typical[0]], color=theme.GREY, linestyle="--", lw=1.2)
    ax.plot(closed_angles, [*scores, scores[0]], color=theme.ACCENT, lw=2.5)
    # The fill grows more solid with confidence: a faint shape for a faint signal.
    ax.fill(
        closed_angles,
        [*scores, scores[0]],
        color=theme.ACCENT,
        alpha=0.1 + 0.4 * float(np.clip(result.confidence, 0, 1)),
    )
    ax.scatter(angles, scores, color=theme.ACCENT, s=40, zorder=3)
    ax.set_ylim(0, 1)
    ax.set_yticks([0.25, 0.5, 0.75], ["", "", ""])
    ax.set_rlabel_position(36)
    labels = [
        f"{trait_name(t)}{'*' if t in result.weak_traits else ''}\n{round(s * 100)}"
        for t, s in zip(TRAIT_IDS, scores, strict=True)
    ]
    ax.set_xticks(angles, labels, fontsize=theme.LABEL_SIZE, color=theme.INK)
    ax.tick_params(axis="x", pad=10)
    for tick_label, angle, trait in zip(ax.get_xticklabels(), angles, TRAIT_IDS, strict=True):
        if trait in result.weak_traits:
            tick_label.set_color(theme.MUTED)
        # Anchor each label on the side facing away from the circle so none runs into it.
        side = math.sin(angle)
        tick_label.set_horizontalalignment(
            "left" if side > 0.1 else "right" if side < -0.1 else "center"
        )
        tick_label.set_verticalalignment("bottom" if math.cos(angle) > 0.9 else "center")
    ax.spines["polar"].set_color(theme.GREY)
    ax.grid(color="#DDDDDD")
    return theme.to_png(fig)


def habits_chart(result: HabitsResult, title: str = "Posting habits") -> bytes:
    """Habit strengths as bars, and the posting-hour histogram as a second panel."""
    fig = theme.new_figure(theme.SQUARE)
    theme.set_title(fig, title)
    top, bottom = fig.subplots(2, 1, height_ratios=[1.15, 1])
    theme.panel_title(top, "How strong each habit is")
    habits = sorted(result.habits, key=lambda habit: -habit.strength)[:MAX_HABIT_BARS]
    if habits:
        _hbars(
            top,
            [(theme.wrap(humanize(h.name), 24), float(np.clip(h.strength, 0, 1))) for h in habits],
        )
        top.set_xlim(0, 1.12)
    else:
        theme.empty_panel(top, "No clear habits yet")
    theme.panel_title(bottom, "When posts go up")
    hours = list(result.posting_hours)
    if len(hours) == 24 and sum(hours) > 0:
        peak = max(hours) if max(hours) > statistics.median(hours) else None
        colours = [theme.HIGHLIGHT if count == peak else theme.ACCENT for count in hours]
        bottom.bar(range(24), hours, color=colours, width=0.8)
        bottom.set_xticks(range(0, 24, 3), [f"{hour:02d}:00" for hour in range(0, 24, 3)])
        bottom.set_xlim(-0.6, 23.6)
        bottom.yaxis.get_major_locator().set_params(integer=True)
        theme.style_axes(bottom, grid_axis="y")
        theme.label(bottom, x="Hour of day (local time)", y="Posts")
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
            s=70 if is_video else 55,
            edgecolors="white",
            linewidths=0.8,
            zorder=3,
        )
    median = statistics.median(values)
    ax.axhline(median, color=theme.MUTED, linestyle="--", lw=1.2, zorder=2)
    ax.annotate(
        f"median {median:,.0f}",
        xy=(1, median),
        xycoords=("axes fraction", "data"),
        xytext=(-4, 4),
        textcoords="offset points",
        ha="right",
        va="bottom",
        fontsize=theme.SMALL_SIZE,
        color=theme.MUTED,
        bbox={
            "boxstyle": "round,pad=0.2",
            "facecolor": "white",
            "edgecolor": "none",
            "alpha": 0.85,
        },
        zorder=4,
    )
    ax.set_ylim(bottom=0)
    theme.style_axes(ax, grid_axis="y")


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
    _scatter_posts(likes_ax, ordered, [post.likes for post in ordered], colours)
    _scatter_posts(comments_ax, ordered, [post.comments for post in ordered], colours)
    theme.label(likes_ax, y="Likes")
    theme.label(comments_ax, y="Comments")
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
    comments_ax.xaxis.set_major_formatter(mdates.ConciseDateFormatter(locator))
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


def selfie_card(photo: PhotoAnalysis, title: str = "Selfie report") -> bytes:
    """The photo with every face box (the main one highlighted and named by its emotion), the
    main face's emotion bars beside it, and below the top-3 styles and the popularity score
    with its band."""
    fig = theme.new_figure(theme.SQUARE)
    theme.set_title(fig, title)
    # Two sub-figures, so the bottom panels' labels never squeeze the photo's column.
    top, bottom = cast(np.ndarray, fig.subfigures(2, 1, height_ratios=[1.75, 1]))
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
        ranked = sorted(main.emotions.items(), key=lambda item: -item[1])
        _hbars(
            emotions_ax,
            [(emotion_name(e), p) for e, p in ranked],
            colours=[theme.HIGHLIGHT] * len(ranked),
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
    _style_bars(ax, sorted(style.scores.items(), key=lambda item: -item[1])[:3])


_POPULARITY_BASIS = {"personal": "vs. this account's posts", "prior": "general model"}


def _popularity_gauge(ax: Axes, photo: PhotoAnalysis) -> None:
    """The score as a big number over a marker on a 0..1 line, its band shaded around it."""
    result = photo.popularity
    if result is None:
        theme.panel_title(ax, "Popularity")
        theme.empty_panel(ax, _unavailable(photo, "popularity", "Not available"))
        return
    theme.panel_title(ax, f"Popularity {result.score:.2f}")
    low, high = result.band
    ax.axvspan(low, high, ymin=0.3, ymax=0.7, color=theme.SKY, alpha=0.45, lw=0)
    ax.axhline(0.5, color=theme.GREY, lw=1)
    ax.plot([result.score], [0.5], marker="D", color=theme.ACCENT, markersize=12)
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1)
    ax.set_yticks([])
    ax.set_xticks([0, 1], ["low", "high"])
    basis = _POPULARITY_BASIS.get(result.basis)
    theme.label(ax, x=f"likely {low:.2f}–{high:.2f}" + (f"\n{basis}" if basis else ""))
    theme.style_axes(ax, grid_axis=None)
    ax.spines["left"].set_visible(False)


def album_chart(album: AlbumAnalysis, title: str = "Your photos, best first") -> bytes:
    """Thumbnails in rank order with rank and score; near-duplicates share a lettered frame."""
    fig = theme.new_figure(theme.SQUARE)
    order = list(album.ranking) + [i for i in range(len(album.photos)) if i not in album.ranking]
    duplicates = [group for group in album.groups if len(group) > 1]
    note = "Same letter and frame colour: near-duplicates." if duplicates else None
    theme.set_title(fig, title, note)
    if not order:
        theme.empty_panel(fig.add_subplot(), "No photos to rank")
        return theme.to_png(fig)
    columns = 1 if len(order) == 1 else 2 if len(order) <= 4 else 3 if len(order) <= 9 else 4
    rows = math.ceil(len(order) / columns)
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
        rank = f"#{ranks[index]}" if index in ranks else "unranked"
        score = f" · {photo.popularity.score:.2f}" if photo.popularity is not None else ""
        ax.set_title(
            f"{rank}{score}", fontsize=theme.LABEL_SIZE, fontweight="bold", color=theme.INK
        )
        ax.set_xlabel(f"photo {index + 1}", fontsize=theme.SMALL_SIZE, color=theme.MUTED)
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
HEATMAP_LEGEND_PX = 330
"""Room for the colour bar and up to six lines of notes (the four notes at their longest)."""
HEATMAP_ASPECTS = (0.5, 1.5)
"""The photo panel follows the photo's height/width within these bounds (letterboxed beyond)."""
_UNSEEN_VEIL = (1.0, 1.0, 1.0, 0.6)


def heatmap_size(width: int, height: int) -> tuple[int, int]:
    """(width, height) in pixels of the heatmap_overlay PNG of a `width` x `height` photo: the
    photo panel keeps the photo's aspect, with bands above (title) and below (legend)."""
    low, high = HEATMAP_ASPECTS
    panel = theme.WIDTH_PX - 2 * HEATMAP_MARGIN_PX
    photo = round(panel * min(max(height / width, low), high))
    return theme.WIDTH_PX, HEATMAP_TITLE_PX + photo + HEATMAP_LEGEND_PX


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
    the rest of the photo is veiled and the square outlined. Returns JPEG bytes."""
    if heat.ndim != 2 or photo_pixels.ndim not in (2, 3):
        raise ValueError(
            f"heat must be HxW and the photo HxW(x3): {heat.shape}, {photo_pixels.shape}"
        )
    height, width = photo_pixels.shape[:2]
    fig_w, fig_h = heatmap_size(width, height)
    fig = theme.new_figure(fig_h / fig_w)
    fig.set_layout_engine("none")
    theme.set_title(fig, title)
    margin = HEATMAP_MARGIN_PX / fig_w
    photo_h = fig_h - HEATMAP_TITLE_PX - HEATMAP_LEGEND_PX
    ax = fig.add_axes((margin, HEATMAP_LEGEND_PX / fig_h, 1 - 2 * margin, photo_h / fig_h))
    _draw_photo(ax, photo_pixels)
    values = np.clip(np.nan_to_num(heat.astype(np.float32)), 0.0, 1.0)
    mappable = ScalarMappable(norm=Normalize(0.0, 1.0), cmap=_HEAT_OVERLAY)
    extent = (-0.5, width - 0.5, height - 0.5, -0.5)
    ax.imshow(mappable.to_rgba(values), extent=extent, interpolation="bilinear")
    if seen is not None:
        _veil_unseen(ax, seen, width, height)
    bar_y = (HEATMAP_LEGEND_PX - 62) / fig_h
    bar = fig.add_axes((0.25, bar_y, 0.5, 18 / fig_h))
    colourbar = fig.colorbar(mappable, cax=bar, orientation="horizontal", ticks=[0, 1])
    colourbar.ax.set_xticklabels(["low", "high"], fontsize=theme.SMALL_SIZE, family=theme.FONT)
    colourbar.outline.set_visible(False)
    bar.set_title(theme.plain(legend), fontsize=theme.LABEL_SIZE, family=theme.FONT)
    fig.text(
        0.5,
        bar_y - 38 / fig_h,
        "\n".join(theme.plain(theme.wrap(note, 90, max_lines=3)) for note in notes),
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
            f"That model alone gives {name} only {why.probability:.0%} here: the report's "
            "answer leans on those other cues, so this map says little."
        )
    if not why.heat.any():
        notes.append("Hiding any one part changed little: no single region stood out.")
    if why.seen[2] < max(photo_shape[:2]):
        notes.append("The veiled edges are outside the square the model sees.")
    return notes


def style_words(style: str) -> str:
    """A style's name in running text ("food", "gloomy (photo mood)"): charts and buttons."""
    name = style_name(style).lower()
    return f"{name} ({MOOD_LABEL})" if style in MOOD_STYLE_IDS else name


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
    if not hide_sensitive and personality is not None and personality.scores is not None:
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
    "style_words",
]
