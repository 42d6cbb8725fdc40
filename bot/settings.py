"""Settings: `config.toml` (or the file DIGBOT_CONFIG names) plus environment overrides.

Validated once at start-up; a bad value stops the bot with a message naming the key and why.
"""

from __future__ import annotations

import os
import tomllib
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, SecretStr, ValidationError, field_validator

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_CONFIG = PROJECT_ROOT / "config.toml"


class SettingsError(ValueError):
    """The configuration is invalid; the message names the key."""


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class TelegramSettings(_Section):
    token: SecretStr | None = None
    mode: Literal["polling", "webhook"] = "polling"
    webhook_url: str = ""
    webhook_secret: SecretStr | None = None
    webhook_host: str = "127.0.0.1"
    webhook_port: int = Field(8443, ge=1, le=65535)
    shutdown_grace_seconds: float = Field(30, ge=0, le=600)
    api_base: str = ""
    """A Bot API server other than Telegram's (the playground sets it); empty = Telegram."""

    def secrets(self) -> list[str]:
        """The token and the webhook secret, as set (what the logs must never contain)."""
        return [s.get_secret_value() for s in (self.token, self.webhook_secret) if s is not None]


class PlaygroundSettings(_Section):
    host: str = "127.0.0.1"
    port: int = Field(8080, ge=0, le=65535)


class StorageSettings(_Section):
    database: str = "var/digbot.sqlite"
    echo_sql: bool = False
    """Log every SQL statement with its values (captions included): for debugging only, and
    independent of `logging.level` (at DEBUG, statements stay out of the log unless this is on)."""


class InstagramSettings(_Section):
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


class AnalysisSettings(_Section):
    workers: int = Field(0, ge=0, le=64)
    max_album_photos: int = Field(10, ge=2, le=10)
    max_image_pixels: int = Field(40_000_000, ge=1_000_000)
    per_person_per_hour: int = Field(30, ge=1)
    queue_size: int = Field(32, ge=1)

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


class PrivacySettings(_Section):
    retention_days: float = Field(30, ge=8)
    """At least 8 days: a weekly report compares with the snapshot of a week before."""
    hide_sensitive_for_others: bool = False
    photo_memory_minutes: float = Field(15, ge=0, le=60)
    """How long a downsized copy of a sent photo stays in memory for "Why <style>?" (0 = off)."""


class DataSettings(_Section):
    path: Path = Path("../shared/data")


class LoggingSettings(_Section):
    level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"


class Settings(_Section):
    telegram: TelegramSettings = TelegramSettings()
    playground: PlaygroundSettings = PlaygroundSettings()
    storage: StorageSettings = StorageSettings()
    instagram: InstagramSettings = InstagramSettings()
    analysis: AnalysisSettings = AnalysisSettings()
    subscriptions: SubscriptionSettings = SubscriptionSettings()
    privacy: PrivacySettings = PrivacySettings()
    data: DataSettings = DataSettings()
    logging: LoggingSettings = LoggingSettings()
    base_dir: Path = PROJECT_ROOT
    """The folder relative paths are resolved against (the config file's folder)."""

    def resolve(self, path: Path | str) -> Path:
        path = Path(path).expanduser()
        return path if path.is_absolute() else (self.base_dir / path).resolve()

    @property
    def database_url(self) -> str:
        db = self.storage.database
        if "://" in db:
            return db
        return f"sqlite+aiosqlite:///{self.resolve(db)}"


def _merge(base: dict[str, Any], extra: dict[str, Any]) -> dict[str, Any]:
    merged = dict(base)
    for key, value in extra.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = _merge(merged[key], value)
        else:
            merged[key] = value
    return merged


def _environment_overrides(env: dict[str, str]) -> dict[str, Any]:
    overrides: dict[str, Any] = {}
    pairs = {
        "BOT_TOKEN": ("telegram", "token"),
        "DIGBOT_WEBHOOK_SECRET": ("telegram", "webhook_secret"),
        "DIGBOT_DATA": ("data", "path"),
        "DIGBOT_DATABASE": ("storage", "database"),
    }
    for name, (section, key) in pairs.items():
        if env.get(name):
            overrides.setdefault(section, {})[key] = env[name]
    return overrides


def _describe(error: ValidationError) -> str:
    lines = []
    for item in error.errors():
        key = ".".join(str(part) for part in item["loc"])
        secret = "token" in key or "secret" in key
        shown = "" if secret else f" (got {item.get('input')!r})"
        lines.append(f"{key}: {item['msg']}{shown}")
    return "; ".join(lines)


def load_settings(
    path: Path | None = None,
    env: dict[str, str] | None = None,
    **overrides: Any,
) -> Settings:
    """Read the config file, apply environment and keyword overrides, validate.

    Keyword overrides are sections, e.g. `load_settings(storage={"database": "x.sqlite"})`.
    """
    env = dict(os.environ) if env is None else env
    path = path or Path(env.get("DIGBOT_CONFIG") or DEFAULT_CONFIG)
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise SettingsError(f"config file {path} does not exist") from exc
    except tomllib.TOMLDecodeError as exc:
        raise SettingsError(f"config file {path} is not valid TOML: {exc}") from exc
    if "token" in raw.get("telegram", {}):
        raise SettingsError("telegram.token: put the token in the BOT_TOKEN environment variable")
    data = _merge(_merge(raw, _environment_overrides(env)), overrides)
    data.setdefault("base_dir", path.resolve().parent)
    try:
        settings = Settings.model_validate(data)
    except ValidationError as exc:
        raise SettingsError(f"{path}: {_describe(exc)}") from None
    if settings.telegram.mode == "webhook" and not settings.telegram.webhook_url.startswith(
        "https://"
    ):
        raise SettingsError("telegram.webhook_url: webhook mode needs an https:// URL")
    return settings
