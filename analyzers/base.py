"""The two kinds of analyzer the pipeline runs, and how a new one plugs in.

An analyzer is a class with a `name` (the key of its result) whose constructor loads its
models (raising AnalyzerUnavailable when it cannot) and whose `analyze` is a pure function of
its input. The pipeline constructs each analyzer once and calls `analyze` from several worker
threads at once, so `analyze` must be thread-safe (keep per-thread interpreters in a
threading.local, or guard a shared one with a lock).
"""

from __future__ import annotations

from typing import Any, ClassVar, Protocol

from analyzers.types import PhotoContext, ProfileInput


class ImageAnalyzer(Protocol):
    """Runs once per photo, in registration order; reads earlier results from `photo.results`."""

    name: ClassVar[str]

    def analyze(self, photo: PhotoContext) -> Any: ...


class ProfileAnalyzer(Protocol):
    """Runs once per profile after every image analyzer; reads `profile.results` of earlier ones."""

    name: ClassVar[str]

    def analyze(self, profile: ProfileInput) -> Any: ...
