"""The colours and font sizes every chart shares, whether matplotlib draws it (theme.py) or
Pillow does (canvas.py). No matplotlib here: the bot's process imports this module.
"""

from __future__ import annotations

# Okabe & Ito's colour-blind-safe palette (https://jfly.uni-koeln.de/color/), in the order
# series take them; grey is for "other"/"unknown", ink for text.
BLUE = "#0072B2"
ORANGE = "#E69F00"
GREEN = "#009E73"
VERMILLION = "#D55E00"
SKY = "#56B4E9"
PURPLE = "#CC79A7"
YELLOW = "#F0E442"
GREY = "#9A9A9A"
INK = "#222222"
MUTED = "#666666"
GRID = "#E6E6E6"
SERIES = (BLUE, ORANGE, GREEN, VERMILLION, SKY, PURPLE, YELLOW)
ACCENT = BLUE
HIGHLIGHT = ORANGE
MOOD = PURPLE

FONT = "DejaVu Sans"  # ships with matplotlib, so every machine renders the same glyphs
# Sizes in points; a chart is WIDTH_PX wide at DPI, so a point is DPI / 72 pixels.
TITLE_SIZE = 17.0
LABEL_SIZE = 13.0
TICK_SIZE = 12.0
SMALL_SIZE = 10.5
FOOTER_SIZE = 8.5

WIDTH_PX = 1080
DPI = 200
