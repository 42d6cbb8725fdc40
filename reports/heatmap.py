"""The "Why <style>?" chart: where the style model looked, as heat over the photo, with the
caveats of what the map can and cannot tell. JPEG, not PNG: it is mostly photo (a sixth of the
PNG's size, rendered in about half the time). Pure presentation: no analyzer logic.
"""

from __future__ import annotations

import io
from collections.abc import Sequence

import numpy as np
from matplotlib import colormaps
from matplotlib.axes import Axes
from matplotlib.cm import ScalarMappable
from matplotlib.colors import ListedColormap, Normalize
from matplotlib.patches import Rectangle
from scipy.ndimage import gaussian_filter

from analyzers.types import StyleExplanation
from reports import format as fmt
from reports import theme
from reports.chart_parts import draw_photo
from reports.names import style_words

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
    draw_photo(ax, photo_pixels)
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
