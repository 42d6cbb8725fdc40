"""A small drawing kit over Pillow for cards that need no plotting library: boxes, text fitted
and wrapped to a box, panel titles, horizontal bars of shares, a low..high gauge, a photo with
boxes over it, the footer. Sizes are in the charts' points (palette.py), so a Pillow card and a
matplotlib chart of the same width show text at the same size.

Why not matplotlib: the selfie card took ~0.55 s of matplotlib CPU (layout, drawing, PNG) for
what Pillow draws in ~25 ms (benchmarks/bench_charts.py), and this module
imports no matplotlib, so the bot's process can draw it. The font is matplotlib's DejaVu Sans,
found in its package data without importing it, so both kinds of chart use the same glyphs.
"""

from __future__ import annotations

import functools
import importlib.util
import io
import math
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import numpy as np
from PIL import Image, ImageColor, ImageDraw, ImageFont

from reports import format as fmt
from reports import palette

Align = Literal["left", "center", "right"]
VAlign = Literal["top", "middle", "bottom"]

ELLIPSIS = "…"
JPEG_QUALITY = 90
"""The selfie card is a JPEG at q90: 6 ms of CPU and 151 KB, where a PNG at the charts' zlib
level 1 took 87 ms for 616 KB (benchmarks/bench_charts.py); the card is mostly a photo, and
Telegram re-encodes photos anyway."""


def extension(image: bytes) -> str:
    """The file extension of a chart's bytes: "jpg" for a JPEG, else "png"."""
    return "jpg" if image.startswith(b"\xff\xd8") else "png"


def px(points: float) -> int:
    """Points (as the charts' font sizes and line widths are given) in pixels."""
    return round(points * palette.DPI / 72)


def _font_folder() -> Path:
    spec = importlib.util.find_spec("matplotlib")  # finds the package; does not import it
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("matplotlib's package data (the DejaVu fonts) is not installed")
    return Path(spec.submodule_search_locations[0]) / "mpl-data" / "fonts" / "ttf"


@functools.cache
def font(size_pt: float, bold: bool = False) -> ImageFont.FreeTypeFont:
    """DejaVu Sans at `size_pt` points, loaded once per size and shared by the drawing threads:
    Pillow calls FreeType with the GIL held, so one face is never used by two threads at once
    (a free-threaded Python needs Pillow's own locks: python-pillow/Pillow#9497)."""
    name = "DejaVuSans-Bold.ttf" if bold else "DejaVuSans.ttf"
    return ImageFont.truetype(str(_font_folder() / name), px(size_pt))


def blend(colour: str, alpha: float, background: str = "white") -> tuple[int, int, int]:
    """`colour` at `alpha` over `background`, as one opaque colour."""
    top, bottom = ImageColor.getrgb(colour), ImageColor.getrgb(background)
    mixed = (round(alpha * t + (1 - alpha) * b) for t, b in zip(top, bottom, strict=False))
    r, g, b = mixed
    return r, g, b


@dataclass(frozen=True)
class Box:
    """A rectangle of the card in pixels: left, top, width, height."""

    x: float
    y: float
    w: float
    h: float

    @property
    def right(self) -> float:
        return self.x + self.w

    @property
    def bottom(self) -> float:
        return self.y + self.h

    @property
    def corners(self) -> tuple[float, float, float, float]:
        """(left, top, right, bottom) as Pillow draws them: the last pixel inside, at least
        one pixel."""
        return self.x, self.y, max(self.x, self.right - 1), max(self.y, self.bottom - 1)

    def inset(self, dx: float, dy: float | None = None) -> Box:
        dy = dx if dy is None else dy
        return Box(self.x + dx, self.y + dy, max(self.w - 2 * dx, 1), max(self.h - 2 * dy, 1))

    def take_top(self, height: float, gap: float = 0.0) -> tuple[Box, Box]:
        """(the top `height` pixels, the rest below a `gap`)."""
        height = min(height, self.h)
        rest = max(self.h - height - gap, 1)
        return Box(self.x, self.y, self.w, height), Box(self.x, self.bottom - rest, self.w, rest)

    def take_bottom(self, height: float, gap: float = 0.0) -> tuple[Box, Box]:
        """(the rest above a `gap`, the bottom `height` pixels)."""
        height = min(height, self.h)
        rest = max(self.h - height - gap, 1)
        return Box(self.x, self.y, self.w, rest), Box(self.x, self.bottom - height, self.w, height)

    def columns(self, ratios: Sequence[float], gap: float) -> list[Box]:
        """Side by side, widths in proportion to `ratios`, `gap` pixels apart."""
        free = self.w - gap * (len(ratios) - 1)
        boxes, x = [], self.x
        for ratio in ratios:
            width = free * ratio / sum(ratios)
            boxes.append(Box(x, self.y, width, self.h))
            x += width + gap
        return boxes

    def rows(self, ratios: Sequence[float], gap: float) -> list[Box]:
        """One above the other, heights in proportion to `ratios`, `gap` pixels apart."""
        flipped = Box(self.y, self.x, self.h, self.w).columns(ratios, gap)
        return [Box(b.y, b.x, b.h, b.w) for b in flipped]


def _wrap(text: str, face: ImageFont.FreeTypeFont, width: float) -> list[str]:
    """Greedy word wrap by measured width; a word wider than the box is broken inside."""
    lines: list[str] = []
    for paragraph in text.split("\n"):
        line = ""
        for word in paragraph.split():
            candidate = f"{line} {word}" if line else word
            if face.getlength(candidate) <= width:
                line = candidate
                continue
            if line:
                lines.append(line)
            while face.getlength(word) > width and len(word) > 1:
                cut = max(
                    (i for i in range(1, len(word)) if face.getlength(word[:i]) <= width),
                    default=1,
                )
                lines.append(word[:cut])
                word = word[cut:]
            line = word
        lines.append(line)
    return lines


def _ellipsised(line: str, face: ImageFont.FreeTypeFont, width: float) -> str:
    while line and face.getlength(line + ELLIPSIS) > width:
        line = line[:-1]
    return line.rstrip() + ELLIPSIS


def line_height(face: ImageFont.FreeTypeFont) -> int:
    ascent, descent = face.getmetrics()
    return ascent + descent


@dataclass(frozen=True)
class FittedText:
    lines: list[str]
    face: ImageFont.FreeTypeFont

    @property
    def height(self) -> int:
        return line_height(self.face) * len(self.lines)

    @property
    def width(self) -> float:
        return max((self.face.getlength(line) for line in self.lines), default=0.0)


def fit(
    text: str,
    width: float,
    height: float,
    size_pt: float,
    *,
    bold: bool = False,
    max_lines: int | None = None,
    min_scale: float = 0.75,
) -> FittedText:
    """`text` wrapped to `width`; if its lines do not fit `height` (or `max_lines`), at a
    smaller size down to `min_scale` of `size_pt`; if they still do not, the last line that
    fits ends with an ellipsis. Nothing is ever drawn outside the box."""
    size = size_pt
    while True:
        face = font(size, bold)
        lines = _wrap(text, face, width)
        room = max(1, int(height // line_height(face)))
        if max_lines is not None:
            room = min(room, max_lines)
        if len(lines) <= room:
            return FittedText(lines, face)
        if size * 0.92 < size_pt * min_scale:
            kept = lines[:room]
            kept[-1] = _ellipsised(kept[-1], face, width)
            return FittedText(kept, face)
        size *= 0.92


class Canvas:
    """A white card `width` × `height` pixels and the drawing operations of the cards."""

    def __init__(self, width: int, height: int) -> None:
        self.image = Image.new("RGB", (width, height), "white")
        self.draw = ImageDraw.Draw(self.image)
        self.box = Box(0, 0, width, height)

    # --- text -------------------------------------------------------------------------------

    def write(
        self,
        box: Box,
        fitted: FittedText,
        *,
        colour: str = palette.INK,
        align: Align = "left",
        valign: VAlign = "top",
    ) -> Box:
        """Draw fitted lines in `box`; returns the box the lines take."""
        step = line_height(fitted.face)
        top = {
            "top": box.y,
            "middle": box.y + (box.h - fitted.height) / 2,
            "bottom": box.bottom - fitted.height,
        }[valign]
        x, anchor = {
            "left": (box.x, "la"),
            "center": (box.x + box.w / 2, "ma"),
            "right": (box.right, "ra"),
        }[align]
        for i, line in enumerate(fitted.lines):
            self.draw.text((x, top + i * step), line, font=fitted.face, fill=colour, anchor=anchor)
        left = {"left": box.x, "center": x - fitted.width / 2, "right": box.right - fitted.width}
        return Box(left[align], top, fitted.width, fitted.height)

    def text(
        self,
        box: Box,
        text: str,
        size_pt: float,
        *,
        bold: bool = False,
        colour: str = palette.INK,
        align: Align = "left",
        valign: VAlign = "top",
        max_lines: int | None = None,
    ) -> Box:
        """`text` fitted and wrapped to `box` (see `fit`), drawn; returns the box it takes."""
        fitted = fit(text, box.w, box.h, size_pt, bold=bold, max_lines=max_lines)
        return self.write(box, fitted, colour=colour, align=align, valign=valign)

    def title(self, text: str, margin: float) -> Box:
        """A bold title centred at the top (at most two lines); returns the box below it."""
        area = self.box.inset(margin)
        fitted = fit(text, area.w, area.h, palette.TITLE_SIZE, bold=True, max_lines=2)
        used = self.write(area, fitted, align="center")
        return area.take_top(used.h, gap=margin)[1]

    def footer(self, text: str = "digbot") -> None:
        face = font(palette.FOOTER_SIZE)
        corner = (self.box.w * 0.985, self.box.h * 0.99)
        self.draw.text(corner, text, font=face, fill=palette.GREY, anchor="rd")

    def panel_title(self, box: Box, text: str) -> Box:
        """A bold panel title at the top left of `box`; returns the box below it."""
        used = self.text(box, text, palette.LABEL_SIZE + 1, bold=True, max_lines=1)
        return box.take_top(used.h, gap=px(palette.LABEL_SIZE) * 0.5)[1]

    def empty_panel(self, box: Box, message: str) -> None:
        """A short grey sentence in place of a panel's content (missing data is shown)."""
        self.text(
            box.inset(px(4)),
            message,
            palette.LABEL_SIZE,
            colour=palette.MUTED,
            align="center",
            valign="middle",
        )

    # --- shapes -----------------------------------------------------------------------------

    def hline(self, x0: float, x1: float, y: float, colour: str, width_pt: float = 1.0) -> None:
        self.draw.line([(x0, y), (x1, y)], fill=colour, width=max(1, px(width_pt)))

    def vline(self, x: float, y0: float, y1: float, colour: str, width_pt: float = 1.0) -> None:
        self.draw.line([(x, y0), (x, y1)], fill=colour, width=max(1, px(width_pt)))

    def rectangle(self, box: Box, *, fill: str | tuple[int, int, int]) -> None:
        self.draw.rectangle(box.corners, fill=fill)

    def hatch(self, box: Box, colour: str = "white") -> None:
        """Diagonal stripes over `box` (bars that differ in more than colour: mood styles)."""
        width, height = max(1, round(box.w)), max(1, round(box.h))
        self.image.paste(colour, (round(box.x), round(box.y)), _hatch_mask(width, height))

    def diamond(self, x: float, y: float, size_pt: float, colour: str) -> None:
        r = px(size_pt) / 2
        self.draw.polygon([(x, y - r), (x + r, y), (x, y + r), (x - r, y)], fill=colour)

    # --- parts of a chart -------------------------------------------------------------------

    def hbars(
        self,
        box: Box,
        items: Sequence[tuple[str, float]],
        *,
        colours: Sequence[str],
        hatched: Sequence[bool] | None = None,
        min_rows: int = 3,
    ) -> None:
        """Horizontal bars of shares in 0..1, first on top, each labelled on the left and with
        its percent at its end, over a light grid with percent ticks below; fewer than
        `min_rows` bars keep a bar's usual thickness instead of filling the panel."""
        tick_face = font(palette.TICK_SIZE)
        gap = px(palette.TICK_SIZE) * 0.4
        label_width = min(
            max(
                (fit(n, box.w * 0.45, box.h, palette.TICK_SIZE).width for n, _ in items), default=0
            ),
            box.w * 0.45,
        )
        values = [value for _, value in items]
        limit = max(max(values, default=0.0) * 1.22, 0.05)
        percent_room = tick_face.getlength(" 100%")
        plot = Box(
            box.x + label_width + gap,
            box.y,
            box.w - label_width - gap - percent_room,
            box.h - line_height(tick_face) - gap,
        )
        ticks = _ticks(limit, plot.w, tick_face)
        x_of = lambda value: plot.x + plot.w * value / limit  # noqa: E731
        for tick in ticks:
            x = x_of(tick)
            self.vline(x, plot.y, plot.bottom, palette.GRID, 0.8)
            self.vline(x, plot.bottom, plot.bottom + gap / 2, palette.GREY)
            label = f"{tick:.0%}"
            self.draw.text(
                (x, plot.bottom + gap), label, font=tick_face, fill=palette.INK, anchor="ma"
            )
        rows = max(len(items), min_rows)
        row = plot.h / rows
        for i, ((name, value), colour) in enumerate(zip(items, colours, strict=True)):
            middle = plot.y + (i + 0.5) * row
            bar = Box(plot.x, middle - 0.325 * row, max(x_of(value) - plot.x, 1), 0.65 * row)
            self.rectangle(bar, fill=colour)
            if hatched is not None and hatched[i]:
                self.hatch(bar)
            self.draw.text(
                (bar.right, middle),
                f" {fmt.percent(value)}",
                font=tick_face,
                fill=palette.INK,
                anchor="lm",
            )
            label_box = Box(box.x, middle - row / 2, label_width, row)
            fitted = fit(name, label_width, row, palette.TICK_SIZE)
            self.write(label_box, fitted, align="right", valign="middle")
        self.vline(plot.x, plot.y, plot.bottom, palette.GREY)
        self.hline(plot.x, plot.right, plot.bottom, palette.GREY)

    def gauge(self, box: Box, score: float, band: tuple[float, float] | None, words: str) -> None:
        """A low..high line with `band` shaded and a diamond at `score` (neither when `band` is
        None: a band too wide to mean anything), ticks "low" and "high", the words below."""
        tick_face = font(palette.TICK_SIZE)
        words_fit = fit(words, box.w, box.h / 2, palette.LABEL_SIZE, max_lines=4)
        gap = px(palette.TICK_SIZE) * 0.4
        plot, below = box.take_bottom(line_height(tick_face) + gap + words_fit.height + gap, gap)
        marker = px(12)
        plot = plot.inset(marker / 2, 0)
        middle = plot.y + plot.h / 2
        self.hline(plot.x, plot.right, middle, palette.GREY)
        if band is not None:
            low, high = band
            shade = Box(
                plot.x + plot.w * low, plot.y + 0.3 * plot.h, plot.w * (high - low), 0.4 * plot.h
            )
            self.rectangle(shade, fill=blend(palette.SKY, 0.45))
            self.diamond(plot.x + plot.w * score, middle, 12, palette.ACCENT)
        self.hline(plot.x, plot.right, plot.bottom, palette.GREY)
        for x, label, anchor in ((plot.x, "low", "la"), (plot.right, "high", "ra")):
            self.vline(x, plot.bottom, plot.bottom + gap / 2, palette.GREY)
            self.draw.text(
                (x, plot.bottom + gap), label, font=tick_face, fill=palette.INK, anchor=anchor
            )
        words_box = below.take_top(line_height(tick_face) + gap, gap)[1]
        self.write(words_box, words_fit, align="center")

    def photo(self, box: Box, pixels: np.ndarray) -> Placement:
        """The photo as large as fits `box`, centred, aspect kept; returns where it went."""
        height, width = pixels.shape[:2]
        scale = min(box.w / width, box.h / height)
        size = (max(1, round(width * scale)), max(1, round(height * scale)))
        # Bilinear, not Lanczos: Pillow's filters are antialiased when shrinking, and bilinear
        # shrank a 1080 px photo to its panel in about half Lanczos's time (measured by hand).
        image = Image.fromarray(pixels).resize(size, Image.Resampling.BILINEAR).convert("RGB")
        left = round(box.x + (box.w - size[0]) / 2)
        top = round(box.y + (box.h - size[1]) / 2)
        self.image.paste(image, (left, top))
        return Placement(Box(left, top, size[0], size[1]), size[0] / width, size[1] / height)

    def outline(self, box: Box, colour: str, width_pt: float) -> None:
        self.draw.rectangle(box.corners, outline=colour, width=max(1, px(width_pt)))

    def tag(self, x: float, y: float, text: str, colour: str, within: Box) -> None:
        """A bold label on a `colour` ground, its bottom left at (x, y), moved inside `within`
        (below `y` when there is no room above)."""
        face = font(palette.SMALL_SIZE, bold=True)
        pad = px(palette.SMALL_SIZE) * 0.2
        width = face.getlength(text) + 2 * pad
        height = line_height(face) + 2 * pad
        left = min(max(x, within.x), within.right - width)
        top = y - height if y - height >= within.y else y
        self.rectangle(Box(left, top, width, height), fill=colour)
        self.draw.text((left + pad, top + pad), text, font=face, fill=palette.INK, anchor="la")

    # --- output -----------------------------------------------------------------------------

    def to_jpeg(self) -> bytes:
        buffer = io.BytesIO()
        self.image.save(buffer, "JPEG", quality=JPEG_QUALITY)
        return buffer.getvalue()


@dataclass(frozen=True)
class Placement:
    """Where a photo went on the card, to draw over it in the photo's own pixel coordinates."""

    box: Box
    sx: float
    sy: float

    def map(self, x: float, y: float, w: float, h: float) -> Box:
        return Box(self.box.x + x * self.sx, self.box.y + y * self.sy, w * self.sx, h * self.sy)


def _ticks(limit: float, width: float, face: ImageFont.FreeTypeFont) -> list[float]:
    """Round percent ticks from 0 to at most `limit`, at most four, and as many as fit
    `width` pixels with room between their labels."""
    widest = face.getlength("100%") * 1.3
    steps = (0.01, 0.02, 0.05, 0.1, 0.2, 0.25, 0.5, 1.0)
    roomy = [s for s in steps if limit / s <= 3.5 and width * s / limit >= widest]
    step = roomy[0] if roomy else max(s for s in steps if s <= limit)  # else 0 and one more
    step_count = math.floor(limit / step + 1e-9)
    return [i * step for i in range(step_count + 1)]


@functools.lru_cache(maxsize=32)
def _hatch_mask(width: int, height: int) -> Image.Image:
    y, x = np.mgrid[0:height, 0:width]
    stripes = ((x + y) % px(6)) < px(1)
    return Image.fromarray(np.where(stripes, 255, 0).astype(np.uint8))
