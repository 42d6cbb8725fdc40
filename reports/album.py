"""The answer to an album as a chart of thumbnails (a PNG 1080 px wide); its text is
album_text.py (the bot's process imports that one, never matplotlib). Pure presentation: no
analyzer logic.
"""

from __future__ import annotations

import math

import numpy as np
from matplotlib.axes import Axes

from analyzers.types import AlbumAnalysis
from reports import theme
from reports.chart_parts import draw_photo

THUMBNAIL_PX = 360


def _thumbnail(pixels: np.ndarray) -> np.ndarray:
    """The photo's central square, stride-subsampled to about THUMBNAIL_PX (a tidy grid)."""
    height, width = pixels.shape[:2]
    side = min(height, width)
    top, left = (height - side) // 2, (width - side) // 2
    step = max(1, side // THUMBNAIL_PX)
    return pixels[top : top + side : step, left : left + side : step]


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
        draw_photo(ax, _thumbnail(photo.image.pixels))
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
