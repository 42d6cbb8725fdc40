"""The selfie report: its text (valid Telegram HTML, hostile text escaped, every missing piece
said plainly) and its card (renders with pieces missing, draws the face box where the face is,
keeps its size whatever the photo's)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

import numpy as np
from chart_check import decode
from report_html_check import HOSTILE, assert_valid
from skimage import data

from analyzers.types import Face, FacesResult, PhotoAnalysis
from reports.selfie import photo_summary, selfie_card


def test_selfie_card_with_missing_pieces(make_selfie: Callable[..., PhotoAnalysis]) -> None:
    full = make_selfie()
    assert full.faces is not None
    no_emotions = FacesResult(faces=[replace(f, emotions={}) for f in full.faces.faces], pose=None)
    assert full.popularity is not None
    reasons = {"faces": "no model", "style": "no model " * 20, "popularity": "not trained"}
    variants = [
        make_selfie(faces=None, style=None, popularity=None, unavailable=reasons),
        make_selfie(faces=None, style=None, popularity=None),
        make_selfie(faces=FacesResult(faces=[], pose=None)),
        make_selfie(faces=no_emotions),
        make_selfie(image=replace(full.image, pixels=data.coins())),
        make_selfie(popularity=replace(full.popularity, band=(0.02, 0.97))),
    ]
    cards = [decode(selfie_card(photo)) for photo in variants]
    for card in cards:
        assert card.shape == (1350, 1080, 3) and card.std() > 8.0
    assert len({card.tobytes() for card in cards}) == len(cards), "each case draws differently"


def test_a_band_too_wide_gets_no_marker(make_selfie: Callable[..., PhotoAnalysis]) -> None:
    full = make_selfie()
    assert full.popularity is not None
    wide = make_selfie(popularity=replace(full.popularity, band=(0.02, 0.97)))
    accent = np.array([0x00, 0x72, 0xB2])
    bottom_right = lambda card: decode(selfie_card(card))[900:, 600:]  # noqa: E731
    count = lambda pixels: int((np.abs(pixels.astype(int) - accent).sum(axis=2) < 40).sum())  # noqa: E731
    assert count(bottom_right(full)) > 200, "the diamond"
    assert count(bottom_right(wide)) == 0


PHOTO = np.array([40, 160, 90])  # a colour nothing else on the card has
ORANGE = np.array([0xE6, 0x9F, 0x00])


def _near(pixels: np.ndarray, colour: np.ndarray, tolerance: int = 60) -> np.ndarray:
    return np.abs(pixels.astype(int) - colour).sum(axis=-1) < tolerance


def _photo_on_card(card: np.ndarray) -> tuple[int, int, int, int]:
    """(top, left, bottom, right) of the plain-coloured photo on the card."""
    found = np.argwhere(_near(card, PHOTO, 15))
    (top, left), (bottom, right) = found.min(axis=0), found.max(axis=0)
    return int(top), int(left), int(bottom), int(right)


def test_selfie_card_draws_the_face_box_where_the_face_is(
    make_selfie: Callable[..., PhotoAnalysis],
) -> None:
    pixels = np.broadcast_to(PHOTO.astype(np.uint8), (600, 800, 3)).copy()
    box = (500, 240, 160, 200)  # x, y, width, height in the photo's pixels
    face = Face(box=box, detection_score=0.9, emotions={"happy": 0.9, "sad": 0.1})
    photo = make_selfie(
        image=replace(make_selfie().image, pixels=pixels),
        faces=FacesResult(faces=[face], pose=None),
    )
    card = decode(selfie_card(photo))
    top, left, bottom, right = _photo_on_card(card)
    scale = (right - left + 1) / 800
    assert abs((bottom - top + 1) / 600 - scale) < 0.01, "the photo keeps its aspect"
    x0, y0 = left + round(box[0] * scale), top + round(box[1] * scale)
    x1, y1 = left + round((box[0] + box[2]) * scale), top + round((box[1] + box[3]) * scale)
    middle_y, middle_x = (y0 + y1) // 2, (x0 + x1) // 2
    edge = 3  # inside the outline (8 px at 3 pt), away from the JPEG's blur at its border
    assert _near(card[middle_y, x0 + edge], ORANGE) and _near(card[middle_y, x1 - edge], ORANGE)
    assert _near(card[y1 - edge, middle_x], ORANGE)
    for inside in (card[middle_y, middle_x], card[middle_y, x0 + 20], card[y1 - 20, middle_x]):
        assert not _near(inside, ORANGE), "the box is an outline"
    assert not _near(card[middle_y, x0 - 20], ORANGE), "and nothing left of it"
    assert _near(card[y0 - 10 : y0 - 4, x0 + 10 : x0 + 20], ORANGE).mean() > 0.3, "its tag"


def test_selfie_card_has_its_size_whatever_the_photo(
    make_selfie: Callable[..., PhotoAnalysis],
) -> None:
    face = Face(box=(1, 1, 2, 2), detection_score=0.9, emotions={"happy": 1.0})
    for shape in ((3, 2, 3), (3000, 4000, 3), (20, 2400, 3), (2400, 20, 3), (64, 64)):
        pixels = np.random.default_rng(0).integers(0, 255, shape, dtype=np.uint8)
        photo = make_selfie(
            image=replace(make_selfie().image, pixels=pixels),
            faces=FacesResult(faces=[face], pose=None),
        )
        assert decode(selfie_card(photo)).shape == (1350, 1080, 3), shape


def test_photo_summary(make_selfie: Callable[..., PhotoAnalysis]) -> None:
    message = photo_summary(make_selfie(unavailable={"vision": "model <x> missing"}))
    assert_valid(message)
    for expected in (
        "2 faces; the biggest looks <b>happy</b> (83%)",
        "Pose: standing, half body.",
        "selfie (63%)",
        "<i>photo mood, not a diagnosis</i>",
        "likely to do better than about 6 in 10 of this account's posts",
        "👍 a clear, well-lit face; warm colours",
        "👎 busy background",
        "💡 Try a plainer background.",
        "Image recognition: not available (model &lt;x&gt; missing)",
    ):
        assert expected in message


def test_photo_summary_missing_pieces_and_hostile_reasons(
    make_selfie: Callable[..., PhotoAnalysis],
) -> None:
    photo = make_selfie()
    assert photo.popularity is not None
    hostile = replace(photo.popularity, reasons_for=[HOSTILE], suggestion=HOSTILE)
    message = photo_summary(make_selfie(popularity=hostile))
    assert_valid(message)
    assert "<script>" not in message
    bare = photo_summary(
        make_selfie(
            faces=FacesResult(faces=[], pose=None),
            style=None,
            popularity=None,
            unavailable={"style": "no model", "popularity": "not trained"},
        )
    )
    assert_valid(bare)
    assert "no face found" in bare
    assert "Photo style: not available (no model)" in bare
    assert "Popularity: not available (not trained)" in bare
