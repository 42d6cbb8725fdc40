"""The "Why <style>?" chart: the photo keeps its aspect, the heat shows where it is hot and
not elsewhere, the part the model never sees is veiled, and the caveats say when the map means
little. (These charts are JPEG: mostly photo. DIGBOT_REPORT_PREVIEWS=<folder> keeps one.)"""

from __future__ import annotations

import io
import os
from pathlib import Path

import numpy as np
import pytest
from PIL import Image
from skimage import data as skdata

from analyzers.types import StyleExplanation
from reports import heatmap, theme


def rendered(jpeg: bytes) -> np.ndarray:
    image = Image.open(io.BytesIO(jpeg))
    assert image.format == "JPEG"
    return np.asarray(image.convert("RGB")).astype(np.float32)


def photo_box(width: int, height: int) -> tuple[slice, slice]:
    """Rows and columns of the chart where a `width` x `height` photo is drawn (not clamped)."""
    panel = theme.WIDTH_PX - 2 * heatmap.HEATMAP_MARGIN_PX
    photo_h = round(panel * height / width)
    top = heatmap.HEATMAP_TITLE_PX
    left = heatmap.HEATMAP_MARGIN_PX
    return slice(top, top + photo_h), slice(left, left + panel)


@pytest.mark.parametrize(
    ("width", "height"), [(600, 400), (400, 600), (512, 512), (2000, 300), (300, 2000)]
)
def test_size_follows_the_photo_within_bounds(width: int, height: int) -> None:
    chart_w, chart_h = heatmap.heatmap_size(width, height)
    assert chart_w == theme.WIDTH_PX
    photo_h = chart_h - heatmap.HEATMAP_TITLE_PX - heatmap.heatmap_legend_px(0)
    panel = chart_w - 2 * heatmap.HEATMAP_MARGIN_PX
    low, high = heatmap.HEATMAP_ASPECTS
    assert photo_h / panel == pytest.approx(min(max(height / width, low), high), abs=2e-3)
    pixels = rendered(
        heatmap.heatmap_overlay(np.full((height, width, 3), 90, np.uint8), np.zeros((3, 3)), "t")
    )
    assert pixels.shape[:2] == (chart_h, chart_w)


def test_heat_is_drawn_where_it_is_hot_and_the_photo_shows_elsewhere() -> None:
    width, height = 600, 400
    photo = np.full((height, width, 3), 128, np.uint8)
    heat = np.zeros((height, width), np.float32)
    heat[:, width // 2 :] = 1.0  # the right half is hot
    pixels = rendered(heatmap.heatmap_overlay(photo, heat, "t"))
    rows, cols = photo_box(width, height)
    panel = pixels[rows, cols]
    half = panel.shape[1] // 2
    cold = panel[10:-10, 10 : half - 10]
    hot = panel[10:-10, half + 10 : -10]
    assert (
        np.abs(cold - 128).max() <= 6
    )  # see-through (JPEG may move a grey level a little): the grey photo, unchanged
    colour = hot.reshape(-1, 3).mean(axis=0)
    assert colour[0] > colour[2] + 40 and colour[0] > 160  # inferno's hot end: yellow-white


def test_the_part_the_model_never_sees_is_veiled() -> None:
    width, height = 600, 400
    photo = np.full((height, width, 3), 60, np.uint8)
    seen = (0, 100, 400)  # the centre square of a 600 x 400 photo
    pixels = rendered(heatmap.heatmap_overlay(photo, np.zeros((2, 2)), "t", seen=seen))
    rows, cols = photo_box(width, height)
    panel = pixels[rows, cols]
    scale = panel.shape[1] / width
    inside = panel[20:-20, round(150 * scale) : round(450 * scale)]
    outside = panel[20:-20, 5 : round(90 * scale)]
    assert np.abs(inside - 60).max() <= 6
    assert outside.mean() > 60 + 80  # lightened by the white veil


def test_grey_photos_and_bad_shapes() -> None:
    grey = np.full((300, 400), 100, np.uint8)
    rendered(heatmap.heatmap_overlay(grey, np.random.default_rng(0).random((7, 9)), "grey"))
    with pytest.raises(ValueError):
        heatmap.heatmap_overlay(grey, np.zeros((3, 3, 3)), "bad")


def explanation(
    heat: np.ndarray, probability: float, seen: tuple[int, int, int]
) -> StyleExplanation:
    return StyleExplanation(heat=heat, probability=probability, seen=seen)


def test_notes_say_when_the_map_means_little() -> None:
    heat = np.zeros((400, 600), np.float32)
    heat[100:200, 200:300] = 1.0
    confident = heatmap.heatmap_notes("food", explanation(heat, 0.9, (0, 0, 600)), (400, 600))
    assert len(confident) == 1 and "image-only" in confident[0]
    doubtful = heatmap.heatmap_notes("food", explanation(heat * 0, 0.04, (0, 100, 400)), (400, 600))
    joined = " ".join(doubtful)
    assert "only 4%" in joined and "no single region" in joined and "square" in joined
    mood = heatmap.heatmap_notes("depressed", explanation(heat, 0.05, (0, 0, 600)), (400, 600))
    assert "gloomy (photo mood)" in " ".join(mood)


def test_a_square_photo_has_no_veil_note_and_no_zero_percent() -> None:
    heat = np.zeros((512, 512), np.float32)
    notes = " ".join(
        heatmap.heatmap_notes("selfie", explanation(heat, 0.001, (32, 32, 448)), (512, 512))
    )
    assert "veiled" not in notes and "square" not in notes
    assert "under 1%" in notes and " 0%" not in notes


def test_style_heatmap_chart_renders() -> None:
    photo = skdata.coffee()  # 600 x 400
    heat = np.zeros((400, 600), np.float32)
    heat[150:250, 250:350] = np.linspace(0.2, 1.0, 100)[None, :]
    why = explanation(heat, 0.8, (25, 125, 350))
    jpeg = heatmap.style_heatmap_chart(photo, "food", why)
    pixels = rendered(jpeg)
    lines = sum(
        len(theme.wrap(note, 90, 3).splitlines())
        for note in heatmap.heatmap_notes("food", why, photo.shape)
    )
    assert pixels.shape[:2] == heatmap.heatmap_size(600, 400, lines)[::-1]
    assert pixels.std() > 25  # not blank
    previews = os.environ.get("DIGBOT_REPORT_PREVIEWS")
    if previews:
        Path(previews).mkdir(parents=True, exist_ok=True)
        (Path(previews) / "heatmap.jpg").write_bytes(jpeg)
