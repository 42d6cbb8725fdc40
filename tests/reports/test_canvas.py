"""The Pillow drawing kit: text wrapped (never cut off) to its box, the fonts it finds."""

from __future__ import annotations

import numpy as np

from reports import palette
from reports.canvas import ELLIPSIS, Box, Canvas, fit, font
from tests.python_snippet import snippet_result

LONG = "Face analysis not available: " + "the model file could not be read, " * 4


def test_a_long_text_is_wrapped_to_its_width_and_keeps_every_word() -> None:
    fitted = fit(LONG, 300, 1000, palette.LABEL_SIZE)
    assert len(fitted.lines) > 3
    assert all(fitted.face.getlength(line) <= 300 for line in fitted.lines)
    assert " ".join(fitted.lines).split() == LONG.split()


def test_text_too_long_for_its_box_is_smaller_then_ellipsised() -> None:
    roomy = fit(LONG, 300, 1000, palette.LABEL_SIZE)
    tight = fit(LONG, 300, 120, palette.LABEL_SIZE)
    assert tight.face.size < roomy.face.size
    assert tight.height <= 120 and tight.lines[-1].endswith(ELLIPSIS)
    assert all(tight.face.getlength(line) <= 300 for line in tight.lines)


def test_a_word_wider_than_the_box_is_broken_inside_it() -> None:
    fitted = fit("x" * 80, 200, 1000, palette.LABEL_SIZE)
    assert len(fitted.lines) > 1 and "".join(fitted.lines) == "x" * 80
    assert all(fitted.face.getlength(line) <= 200 for line in fitted.lines)


def test_drawn_text_stays_inside_its_box() -> None:
    canvas = Canvas(600, 400)
    box = Box(100, 50, 250, 300)
    canvas.text(box, LONG, palette.LABEL_SIZE)
    ink = np.argwhere(np.asarray(canvas.image).min(axis=2) < 200)
    (top, left), (bottom, right) = ink.min(axis=0), ink.max(axis=0)
    assert left >= box.x and right < box.right and top >= box.y and bottom < box.bottom
    assert bottom - top > 3 * palette.LABEL_SIZE, "several lines"


def test_fonts_load_once_without_matplotlib() -> None:
    assert font(palette.LABEL_SIZE) is font(palette.LABEL_SIZE)
    assert font(palette.LABEL_SIZE, bold=True).getname() == ("DejaVu Sans", "Bold")


def test_the_card_and_its_kit_import_no_matplotlib() -> None:
    code = "import sys, reports.selfie, reports.canvas; print(int('matplotlib' in sys.modules))"
    assert snippet_result(code) == 0
