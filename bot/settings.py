"""Settings: `config.toml` (or the file DIGBOT_CONFIG names) plus environment overrides.

Each layer defines the section it reads (storage.settings, instagram.settings,
service.settings); this module adds the bot's own (telegram, playground, data, logging),
composes them and loads the file.

Validated once at start-up; a bad value stops the bot with a message naming the key and why.
"""

from __future__ import annotations

import os
import tomllib
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, SecretStr, ValidationError

from instagram.settings import InstagramSettings
from service.settings import (
    AnalysisSettings,
    PrivacySettings,
    ServiceSettings,
    SubscriptionSettings,
)
from storage.settings import StorageSettings

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_CONFIG = PROJECT_ROOT / "config.toml"


class SettingsError(ValueError):
    """The configuration is invalid; the message names the key."""


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class TelegramSettings(_Section):
    token: SecretStr | None = None
    runtime: Literal["aiogram", "ptb"] = "aiogram"
    """The framework that talks to Telegram: aiogram 3 or python-telegram-bot 22."""
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


class DataSettings(_Section):
    path: Path = Path("../shared/data")


class LoggingSettings(_Section):
    level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"


class QueueSettings(_Section):
    """The distributed mode: with a Redis URL, `digbot run` is the ingress and `digbot worker`
    runs the analyses (docs/deploy.md); empty, analyses run in this process."""

    url: str = ""
    """`redis://host:port/db`, or empty."""
    task_timeout_seconds: float = Field(300, gt=0, le=3600)
    """An analysis running longer is cancelled and tried again; a killed worker's task is
    taken over by another worker this long (plus 10 s) after it started."""
    max_tries: int = Field(3, ge=1, le=20)
    """Deliveries of one task (a killed worker's task counts one) before it is given up."""


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
    queue: QueueSettings = QueueSettings()
    base_dir: Path = PROJECT_ROOT
    """The folder relative paths are resolved against (the config file's folder)."""

    def resolve(self, path: Path | str) -> Path:
        path = Path(path).expanduser()
        return path if path.is_absolute() else (self.base_dir / path).resolve()

    @property
    def service(self) -> ServiceSettings:
        """The sections the use-cases read."""
        return ServiceSettings(self.analysis, self.subscriptions, self.privacy, self.instagram)

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
        "DIGBOT_QUEUE": ("queue", "url"),
        "DIGBOT_RUNTIME": ("telegram", "runtime"),
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
