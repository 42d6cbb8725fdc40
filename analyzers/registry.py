"""Where analyzers are registered: one line each, in the order they run.

An image analyzer may read the results of those above it (style reads vision and faces); the
profile analyzers run after every photo is analysed. An entry whose module is missing or whose
model fails to load is reported to the person as "not available", never faked.
"""

from __future__ import annotations

IMAGE_ANALYZERS: tuple[str, ...] = (
    "analyzers.vision:VisionAnalyzer",
    "analyzers.faces:FacesAnalyzer",
    "analyzers.quality:QualityAnalyzer",
    "analyzers.style:StyleAnalyzer",
    "analyzers.content:ContentAnalyzer",
    "analyzers.popularity.prior:PhotoPopularityAnalyzer",
)

PROFILE_ANALYZERS: tuple[str, ...] = (
    "analyzers.personality_deferred:DeferredPersonality",
    "analyzers.habits:HabitsAnalyzer",
    "analyzers.popularity.personal:PopularityAnalyzer",
    "analyzers.portrait:PortraitAnalyzer",
)
