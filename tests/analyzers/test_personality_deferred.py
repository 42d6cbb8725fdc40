"""The personality analyzer the app registers loads at the first profile, not at start or in
the warm-up, and answers as the analyzer it defers to."""

from __future__ import annotations

from pathlib import Path

import pytest

from analyzers.personality import PersonalityAnalyzer
from analyzers.personality_deferred import DeferredPersonality
from analyzers.types import AnalyzerUnavailable
from tests.analyzers.test_personality import ENGLISH, profile
from tests.python_snippet import snippet_result

STARTED = """
import json, sys
import langdetect.detector_factory as factory
from analyzers.pipeline import Pipeline, load_analyzers
from service.analysis import warm_up

pipeline = Pipeline(load_analyzers())
warm_up(pipeline)
loaded = lambda: {
    "personality": "analyzers.personality" in sys.modules,
    "language_profiles": factory._factory is not None,
}
started = loaded()
from tests.analyzers.test_personality import profile  # imports analyzers.personality
[deferred] = [a for a in pipeline.analyzers.profile if a.name == "personality"]
deferred.analyze(profile(sys.argv[1:]))
print(json.dumps({"unavailable": pipeline.unavailable, "started": started, "after": loaded()}))
"""


@pytest.mark.slow
def test_start_and_warm_up_leave_it_unloaded_and_a_profile_loads_it() -> None:
    result = snippet_result(STARTED, *ENGLISH)
    assert "personality" not in result["unavailable"]
    assert result["started"] == {"personality": False, "language_profiles": False}
    assert result["after"] == {"personality": True, "language_profiles": True}


def test_it_answers_as_the_analyzer_it_defers_to() -> None:
    deferred, eager = DeferredPersonality(), PersonalityAnalyzer()
    for captions in (ENGLISH, ["Hoy fuimos a la playa con mis amigos y fue increíble"] * 8, []):
        assert deferred.analyze(profile(captions)) == eager.analyze(profile(captions))


def test_a_missing_artifact_is_unavailable_at_start(tmp_path: Path) -> None:
    with pytest.raises(AnalyzerUnavailable):
        DeferredPersonality(tmp_path / "personality.json")
