"""Every id the analyzers produce has a human name."""

from __future__ import annotations

from analyzers.types import EMOTION_IDS, STYLE_OUTCOMES, TRAIT_IDS
from reports.names import EMOTION_NAMES, STYLE_NAMES, TRAIT_NAMES


def test_names_cover_every_id() -> None:
    assert set(STYLE_NAMES) == set(STYLE_OUTCOMES)
    assert set(TRAIT_NAMES) == set(TRAIT_IDS)
    assert set(EMOTION_NAMES) == set(EMOTION_IDS)
