"""The sections of config.toml the use-cases read: `[analysis]`, `[subscriptions]`,
`[privacy]` (and instagram's post count and cache, through `ServiceSettings.instagram`)."""

from __future__ import annotations

import os
from dataclasses import dataclass

from pydantic import BaseModel, ConfigDict, Field

from instagram.settings import InstagramSettings


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class AnalysisSettings(_Section):
    workers: int = Field(0, ge=0, le=64)
    max_album_photos: int = Field(10, ge=2, le=10)
    max_image_pixels: int = Field(40_000_000, ge=1_000_000)
    per_person_per_hour: int = Field(30, ge=1)
    queue_size: int = Field(100, ge=1)

    @property
    def worker_count(self) -> int:
        return self.workers or (os.cpu_count() or 1)


class SubscriptionSettings(_Section):
    max_per_person: int = Field(10, ge=1)
    report_hour_utc: int = Field(9, ge=0, le=23)
    jitter_minutes: float = Field(30, ge=0, le=720)
    quiet_days: float = Field(7, ge=0)
    misfire_grace_hours: float = Field(12, gt=0)
    rate_limit_max_backoff_hours: float = Field(12, gt=0)
    outbox_poll_seconds: float = Field(30, gt=0)
    scheduler_lease_seconds: float = Field(30, ge=3)
    """How long the active scheduler's lease lasts unrenewed (renewed every third of it)."""


class PrivacySettings(_Section):
    retention_days: float = Field(30, ge=8)
    """At least 8 days: a weekly report compares with the snapshot of a week before."""
    hide_sensitive_for_others: bool = False
    photo_memory_minutes: float = Field(15, ge=0, le=60)
    """How long a downsized copy of a sent photo stays in memory for "Why <style>?" (0 = off)."""


@dataclass(frozen=True)
class ServiceSettings:
    """What the use-cases read of the settings (bot.settings composes the whole file)."""

    analysis: AnalysisSettings
    subscriptions: SubscriptionSettings
    privacy: PrivacySettings
    instagram: InstagramSettings
