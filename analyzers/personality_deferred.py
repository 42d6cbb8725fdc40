"""The personality analyzer as the app registers it: loaded at the first profile it reads, not
at start.

Everything it needs is needed by profiles only, and is the largest piece of a bot that answers
photos: the model and its imports (scikit-learn's vectorisers, Empath, VADER) and langdetect's
language profiles, which the first caption check loads (the largest part, measured by hand:
~60 MB and ~2 s). Held back, the bot's process is ~110 MB smaller after its first selfie report
(benchmarks/bench_targets.py: 674 -> 567 MB; benchmarks/README.md, round three); the first
profile report pays the load instead (~3.5 s). The warm-up
(service/analysis.py) leaves deferred analyzers alone, so it does not load them either.

At start only the artifact's metadata is read, so a missing artifact still makes the analyzer
"not available" at once; an artifact that exists but does not load is found at the first
profile, and that profile's personality is reported as failed.
"""

from __future__ import annotations

import gc
import json
import threading
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

from analyzers.types import AnalyzerUnavailable, PersonalityResult, ProfileInput

if TYPE_CHECKING:
    from analyzers.personality import PersonalityAnalyzer

MODEL_PATH = Path(__file__).resolve().parent / "models" / "personality.json"


class DeferredPersonality:
    """Profile analyzer "personality": analyzers.personality's, constructed at first use."""

    name: ClassVar[str] = "personality"
    deferred: ClassVar[bool] = True
    """The warm-up skips it: loading it is what it defers."""

    def __init__(self, model_path: Path = MODEL_PATH) -> None:
        try:
            json.loads(model_path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise AnalyzerUnavailable(f"personality model could not be loaded: {exc}") from exc
        self._model_path = model_path
        self._analyzer: PersonalityAnalyzer | None = None
        self._lock = threading.Lock()

    def analyze(self, profile: ProfileInput) -> PersonalityResult:
        with self._lock:
            first = self._analyzer is None
            if self._analyzer is None:
                from analyzers.personality import PersonalityAnalyzer

                self._analyzer = PersonalityAnalyzer(self._model_path)
        result = self._analyzer.analyze(profile)
        if first:
            # What the first analysis loaded (the model, langdetect's profiles: ~100,000
            # objects) stays out of full garbage collections, as the warm-up's does
            # (bot/runtime.py): scanning them stalled the event loop under load.
            gc.freeze()
        return result
