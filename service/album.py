"""Album ranking: the popularity prior's curation over the pipeline's photo analyses."""

from __future__ import annotations

from analyzers.pipeline import Pipeline
from analyzers.popularity.album_ranking import rank_album as curate
from analyzers.types import AlbumAnalysis, PhotoContext


def rank_album(pipeline: Pipeline, contexts: list[PhotoContext]) -> AlbumAnalysis:
    return curate(contexts, analyses=[pipeline.photo_analysis(c) for c in contexts])
