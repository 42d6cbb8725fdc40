"""Album ranking: delegates to the popularity analyzer's curation when it is available."""

from __future__ import annotations

from analyzers.pipeline import Pipeline
from analyzers.types import AlbumAnalysis, PhotoContext


def rank_album(pipeline: Pipeline, contexts: list[PhotoContext]) -> AlbumAnalysis:
    photos = [pipeline.photo_analysis(c) for c in contexts]
    order = list(range(len(photos)))
    return AlbumAnalysis(
        photos=photos,
        ranking=order,
        groups=[[i] for i in order],
        reasons={i: "ranking not available yet: kept in the order sent" for i in order},
    )
