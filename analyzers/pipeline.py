"""Runs the registered analyzers: each photo decoded once, each analyzer loaded once.

Everything here blocks (model code); the service calls it from worker threads, never from the
event loop.
"""

from __future__ import annotations

import importlib
import logging
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from analyzers.base import ImageAnalyzer, ProfileAnalyzer
from analyzers.registry import IMAGE_ANALYZERS, PROFILE_ANALYZERS
from analyzers.results import photo_analysis
from analyzers.types import (
    AnalyzerUnavailable,
    DecodedImage,
    PhotoAnalysis,
    PhotoContext,
    PostText,
    ProfileInput,
)

log = logging.getLogger(__name__)


def _name_of(spec: str) -> str:
    return spec.rsplit(".", 1)[-1].split(":")[0]


def _class_of(spec: str) -> Any:
    module_name, class_name = spec.split(":")
    return getattr(importlib.import_module(module_name), class_name)


@dataclass
class LoadedAnalyzers:
    image: list[ImageAnalyzer] = field(default_factory=list)
    profile: list[ProfileAnalyzer] = field(default_factory=list)
    unavailable: dict[str, str] = field(default_factory=dict)
    """Analyzer name -> why it is not available."""


def load_analyzers(
    image_specs: Sequence[str] = IMAGE_ANALYZERS,
    profile_specs: Sequence[str] = PROFILE_ANALYZERS,
) -> LoadedAnalyzers:
    """Import and construct every registered analyzer; record why any of them cannot run."""
    loaded = LoadedAnalyzers()
    for specs, target in ((image_specs, loaded.image), (profile_specs, loaded.profile)):
        for spec in specs:
            name = _name_of(spec)
            started = time.perf_counter()
            try:
                cls = _class_of(spec)
                # The name the reports look reasons up by (a class may live in a module named
                # otherwise, e.g. the deferred personality analyzer).
                name = getattr(cls, "name", name)
                target.append(cls())
                if getattr(cls, "deferred", False):
                    log.info("model %s loads at its first use", name)
                else:
                    log.info("model %s loaded in %.2f s", name, time.perf_counter() - started)
            except ModuleNotFoundError as exc:
                loaded.unavailable[name] = "not installed yet"
                log.warning("analyzer %s not available: %s", name, exc)
            except AnalyzerUnavailable as exc:
                loaded.unavailable[name] = str(exc) or "its model could not be loaded"
                log.warning("analyzer %s not available: %s", name, exc)
            except Exception:
                loaded.unavailable[name] = "it failed to start"
                log.exception("analyzer %s failed to load", name)
    return loaded


class Pipeline:
    """The loaded analyzers and the two blocking entry points the service runs in workers."""

    def __init__(self, analyzers: LoadedAnalyzers) -> None:
        self.analyzers = analyzers

    @property
    def unavailable(self) -> dict[str, str]:
        return dict(self.analyzers.unavailable)

    def analyze_image(self, image: DecodedImage, text: PostText | None = None) -> PhotoContext:
        """Run every image analyzer on one decoded photo; a failing analyzer is recorded."""
        context = PhotoContext(image=image, text=text)
        for analyzer in self.analyzers.image:
            try:
                context.results[analyzer.name] = analyzer.analyze(context)
            except Exception:
                log.exception("image analyzer %s failed", analyzer.name)
                context.results.setdefault("_failed", {})[analyzer.name] = "it failed on this photo"
        return context

    def photo_analysis(self, context: PhotoContext) -> PhotoAnalysis:
        return photo_analysis(context, self.unavailable)

    def analyze_profile(self, profile: ProfileInput) -> dict[str, str]:
        """Run every profile analyzer, filling `profile.results`; returns the failures."""
        failed: dict[str, str] = {}
        for analyzer in self.analyzers.profile:
            try:
                profile.results[analyzer.name] = analyzer.analyze(profile)
            except Exception:
                log.exception("profile analyzer %s failed", analyzer.name)
                failed[analyzer.name] = "it failed on this profile"
        return failed
