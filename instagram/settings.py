"""The `[instagram]` section of config.toml: where profiles come from, and how many posts."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator


class InstagramSettings(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    source: Literal["instaloader", "directory"] = "instaloader"
    directory: Path = Path("var/profiles")
    session_file: Path | None = None
    session_user: str = ""
    max_posts: int = Field(24, ge=1, le=200)
    cache_ttl_minutes: float = Field(60, ge=0)

    @field_validator("session_file", mode="before")
    @classmethod
    def _empty_is_none(cls, value: Any) -> Any:
        return None if value in ("", None) else value
