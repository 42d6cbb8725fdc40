"""One look for every chart: palette, font sizes, phone-sized figures, the footer, PNG output.

Figures are built with the object-oriented API (`Figure` + `FigureCanvasAgg`) and never touch
pyplot or the global rcParams, so charts can render concurrently in worker threads and the
Agg backend is used without `matplotlib.use`. Every style choice is passed explicitly.
"""

from __future__ import annotations

import io
import textwrap
from typing import Literal

from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.layout_engine import ConstrainedLayoutEngine

from reports.palette import (
    ACCENT as ACCENT,
)
from reports.palette import (  # the shared look, re-exported: charts name them theme.X
    BLUE as BLUE,
)
from reports.palette import (
    DPI as DPI,
)
from reports.palette import (
    FONT as FONT,
)
from reports.palette import (
    FOOTER_SIZE as FOOTER_SIZE,
)
from reports.palette import (
    GREEN as GREEN,
)
from reports.palette import (
    GREY as GREY,
)
from reports.palette import (
    GRID as GRID,
)
from reports.palette import (
    HIGHLIGHT as HIGHLIGHT,
)
from reports.palette import (
    INK as INK,
)
from reports.palette import (
    LABEL_SIZE as LABEL_SIZE,
)
from reports.palette import (
    MOOD as MOOD,
)
from reports.palette import (
    MUTED as MUTED,
)
from reports.palette import (
    ORANGE as ORANGE,
)
from reports.palette import (
    PURPLE as PURPLE,
)
from reports.palette import (
    SERIES as SERIES,
)
from reports.palette import (
    SKY as SKY,
)
from reports.palette import (
    SMALL_SIZE as SMALL_SIZE,
)
from reports.palette import (
    TICK_SIZE as TICK_SIZE,
)
from reports.palette import (
    TITLE_SIZE as TITLE_SIZE,
)
from reports.palette import (
    VERMILLION as VERMILLION,
)
from reports.palette import (
    WIDTH_PX as WIDTH_PX,
)
from reports.palette import (
    YELLOW as YELLOW,
)

HEAT_CMAP = "inferno"
LANDSCAPE = 3 / 4
SQUARE = 1.0
FOOTER_BAND = 0.035
"""Fraction of the figure's height kept free at the bottom for the footer."""


def new_figure(aspect: float = LANDSCAPE) -> Figure:
    """A white figure 1080 px wide and `aspect` times as tall, with the 'digbot' footer."""
    width_in = WIDTH_PX / DPI
    fig = Figure(
        figsize=(width_in, width_in * aspect),
        dpi=DPI,
        facecolor="white",
        layout=ConstrainedLayoutEngine(
            h_pad=0.06, w_pad=0.06, rect=(0.0, FOOTER_BAND, 1.0, 1.0 - FOOTER_BAND)
        ),
    )
    FigureCanvasAgg(fig)
    fig.text(
        0.985,
        0.01,
        "digbot",
        ha="right",
        va="bottom",
        fontsize=FOOTER_SIZE,
        family=FONT,
        color=GREY,
    )
    return fig


def plain(text: str) -> str:
    """Text from users or analyzers, safe from matplotlib's $mathtext$ parsing."""
    return text.replace("$", r"\$")


def wrap(text: str, width: int, max_lines: int = 2) -> str:
    """Wrap to `width` characters, at most `max_lines` lines (the last one ellipsised)."""
    return textwrap.fill(text, width=width, max_lines=max_lines, placeholder="…")


def set_title(
    fig: Figure, title: str, subtitle: str | None = None, subtitle_lines: int = 2
) -> None:
    """A bold title (wrapped so it never runs off a phone screen) and an optional grey line."""
    text = plain(wrap(title, 44))
    fig.suptitle(text, fontsize=TITLE_SIZE, fontweight="bold", family=FONT, color=INK)
    if subtitle:
        fig.supxlabel(
            plain(wrap(subtitle, 70, subtitle_lines)), fontsize=SMALL_SIZE, family=FONT, color=MUTED
        )


def style_axes(ax: Axes, *, grid_axis: Literal["x", "y", "both"] | None = "x") -> None:
    """Quiet axes: no top/right frame, light grid behind the data, readable ticks."""
    ax.spines[["top", "right"]].set_visible(False)
    ax.spines[["left", "bottom"]].set_color(GREY)
    ax.tick_params(labelsize=TICK_SIZE, colors=INK, labelfontfamily=FONT)
    if grid_axis:
        ax.grid(axis=grid_axis, color=GRID, linewidth=0.8)
        ax.set_axisbelow(True)


def label(ax: Axes, *, x: str | None = None, y: str | None = None) -> None:
    if x:
        ax.set_xlabel(x, fontsize=LABEL_SIZE, family=FONT, color=INK)
    if y:
        ax.set_ylabel(y, fontsize=LABEL_SIZE, family=FONT, color=INK)


def panel_title(ax: Axes, text: str) -> None:
    ax.set_title(plain(text), fontsize=LABEL_SIZE + 1, fontweight="bold", family=FONT, loc="left")


def empty_panel(ax: Axes, message: str) -> None:
    """Replace a panel's content by a short grey sentence (missing data is shown, not hidden)."""
    ax.set_axis_off()
    ax.text(
        0.5,
        0.5,
        plain(wrap(message, 36, max_lines=3)),
        ha="center",
        va="center",
        transform=ax.transAxes,
        fontsize=LABEL_SIZE,
        family=FONT,
        color=MUTED,
    )


PNG_COMPRESSION = 1
"""zlib level of every PNG chart: level 6 (the default) took a quarter of a selfie card's time
for files ~15 % smaller (benchmarks/bench_charts.py); the pixels are the same."""


def to_png(fig: Figure) -> bytes:
    buffer = io.BytesIO()
    fig.savefig(
        buffer,
        format="png",
        dpi=DPI,
        facecolor="white",
        pil_kwargs={"compress_level": PNG_COMPRESSION},
    )
    return buffer.getvalue()
