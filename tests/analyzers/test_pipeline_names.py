"""An analyzer's reasons are recorded under its own name, whatever its module is called."""

from __future__ import annotations

from typing import ClassVar

from analyzers.pipeline import load_analyzers
from analyzers.types import AnalyzerUnavailable


class WithoutItsModel:
    """Stands for an analyzer whose class lives in a module named otherwise (as the deferred
    personality analyzer does) and whose model file is missing."""

    name: ClassVar[str] = "personality"

    def __init__(self) -> None:
        raise AnalyzerUnavailable("personality model could not be loaded: no such file")


def test_a_missing_model_is_recorded_under_the_analyzers_name() -> None:
    loaded = load_analyzers([], [f"{__name__}:WithoutItsModel"])
    assert loaded.unavailable == {
        "personality": "personality model could not be loaded: no such file"
    }


def test_the_deferred_personality_is_registered_as_personality() -> None:
    loaded = load_analyzers([], ["analyzers.personality_deferred:DeferredPersonality"])
    assert [a.name for a in loaded.profile] == ["personality"]
    assert loaded.unavailable == {}
