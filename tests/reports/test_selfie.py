"""The selfie report: its text (valid Telegram HTML, hostile text escaped, every missing piece
said plainly) and its card (renders with pieces missing, draws the face box)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

import numpy as np
from chart_check import assert_chart, decode
from report_html_check import HOSTILE, assert_valid
from skimage import data

from analyzers.types import FacesResult, PhotoAnalysis
from reports.selfie import photo_summary, selfie_card


def test_selfie_card_with_missing_pieces(make_selfie: Callable[..., PhotoAnalysis]) -> None:
    full = make_selfie()
    assert full.faces is not None
    no_emotions = FacesResult(faces=[replace(f, emotions={}) for f in full.faces.faces], pose=None)
    variants = [
        make_selfie(faces=None, style=None, popularity=None, unavailable={"faces": "no model"}),
        make_selfie(faces=FacesResult(faces=[], pose=None)),
        make_selfie(faces=no_emotions),
        make_selfie(image=replace(full.image, pixels=data.coins())),
    ]
    for photo in variants:
        assert_chart(selfie_card(photo))


def test_selfie_card_draws_the_face_box(make_selfie: Callable[..., PhotoAnalysis]) -> None:
    with_faces = decode(selfie_card(make_selfie()))
    without = decode(selfie_card(make_selfie(faces=FacesResult(faces=[], pose=None))))
    # The highlight colour (Okabe-Ito orange) appears only where a box or bar is drawn.
    orange = np.array([0xE6, 0x9F, 0x00])
    count = lambda pixels: int((np.abs(pixels.astype(int) - orange).sum(axis=2) < 30).sum())  # noqa: E731
    assert count(with_faces) > count(without) + 500


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
