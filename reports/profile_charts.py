"""The profile charts: style mix, likes and comments over time, posting habits, Big Five.

Each returns PNG bytes 1080 px wide and can run in any worker thread (see theme.py);
profile_chart_jobs picks the ones worth sending. Pure presentation: no analyzer logic.
"""

from __future__ import annotations

import statistics
from collections import Counter
from collections.abc import Callable, Sequence
from datetime import timedelta

import matplotlib.dates as mdates
import numpy as np
from matplotlib.axes import Axes
from matplotlib.lines import Line2D
from matplotlib.ticker import FuncFormatter, PercentFormatter

from analyzers.types import (
    MOOD_STYLE_IDS,
    HabitsResult,
    PersonalityResult,
    PostAnalysis,
    ProfileAnalysis,
    peak_hours,
)
from reports import format as fmt
from reports import theme
from reports.chart_parts import hbars, style_bars
from reports.names import PERSONALITY_CAVEAT, humanize, style_name, trait_name
from reports.profile_text import readable_traits, unreadable_note

MAX_STYLE_COLOURS = 6
"""The engagement chart colours this many styles; the rest are 'Other' (grey)."""
MAX_HABIT_BARS = 8
"""The habits chart shows at most this many of the strongest habits (the text lists them all)."""


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
    style_bars(ax, items)
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
        hbars(
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


def profile_chart(a: ProfileAnalysis, hide_sensitive: bool, name: str) -> bytes:
    """The chart `name` of `profile_chart_jobs`, or b"" when it leaves that chart out: what a
    chart process draws for a profile (service/render.py; the jobs' closures do not pickle)."""
    jobs = dict(profile_chart_jobs(a, hide_sensitive=hide_sensitive))
    return jobs[name]() if name in jobs else b""
