"""Drawing pieces shared by several charts: bars of shares, bars of styles, a photo panel.

Pure presentation, safe in any worker thread (see theme.py).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from matplotlib.axes import Axes
from matplotlib.ticker import PercentFormatter
from PIL import Image

from reports import format as fmt
from reports import theme
from reports.names import style_bar_parts


def style_bars(ax: Axes, items: Sequence[tuple[str, float]]) -> None:
    """Bars of (style id, share); mood styles in their own hatched colour and marked."""
    labelled, colours, hatched = style_bar_parts(items)
    hbars(ax, labelled, colours=colours, hatched=hatched)


def hbars(
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


def draw_photo(ax: Axes, pixels: np.ndarray, max_side: int | None = None) -> None:
    """The photo without axes; first shrunk to `max_side` pixels when the panel shows it no
    larger (matplotlib's own antialiased resampling of a full photo is much slower than PIL's,
    and draws the same thing). The axes keep the full photo's pixel coordinates either way, so
    what is drawn over it (face boxes) needs no scaling."""
    height, width = pixels.shape[:2]
    if max_side is not None and max(height, width) > max_side:
        image = Image.fromarray(pixels)
        image.thumbnail((max_side, max_side), Image.Resampling.LANCZOS, reducing_gap=2.0)
        pixels = np.asarray(image)
    ax.imshow(
        pixels,
        cmap="gray" if pixels.ndim == 2 else None,
        interpolation="antialiased",
        extent=(-0.5, width - 0.5, height - 0.5, -0.5),
    )
    ax.set_xticks([])
    ax.set_yticks([])
    for spine in ax.spines.values():
        spine.set_visible(False)
