"""Album ranking: the popularity prior's curation over the pipeline's photo analyses."""

from __future__ import annotations

from analyzers.album import rank_album as curate
from analyzers.pipeline import Pipeline
from analyzers.types import AlbumAnalysis, PhotoContext


def rank_album(pipeline: Pipeline, contexts: list[PhotoContext]) -> AlbumAnalysis:
    return curate(contexts, analyses=[pipeline.photo_analysis(c) for c in contexts])
