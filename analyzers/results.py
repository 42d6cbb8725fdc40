"""Analyzer output as typed results: the one place that reads what the analyzers left.

Each analyzer leaves its result under its name in a `results` dict (PhotoContext.results,
ProfileInput.results); one that failed or did not run leaves nothing, and "_failed" maps the
analyzers that raised on this photo to why. Everything that builds a result for the reports
(the pipeline, the album ranking, the profile analysis) reads them through here.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from analyzers.types import (
    FacesResult,
    PhotoAnalysis,
    PhotoContent,
    PhotoContext,
    PopularityResult,
    StyleResult,
    VisionOutput,
)

T = TypeVar("T")


def result_of(results: Mapping[str, Any], name: str, kind: type[T]) -> T | None:
    """The result analyzer `name` left when it is a `kind`; None when it left none."""
    value = results.get(name)
    return value if isinstance(value, kind) else None


def photo_analysis(context: PhotoContext, unavailable: Mapping[str, str]) -> PhotoAnalysis:
    """One photo's typed results; `unavailable` (analyzer -> why) plus the analyzers that
    failed on this photo are what the report says it could not do."""
    failed: dict[str, str] = context.results.get("_failed", {})
    return PhotoAnalysis(
        image=context.image,
        vision=result_of(context.results, "vision", VisionOutput),
        style=result_of(context.results, "style", StyleResult),
        faces=result_of(context.results, "faces", FacesResult),
        popularity=result_of(context.results, "popularity", PopularityResult),
        content=result_of(context.results, "content", PhotoContent),
        unavailable={**unavailable, **failed},
    )
