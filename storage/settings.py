"""The `[storage]` section of config.toml: where the database is."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict


class StorageSettings(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    database: str = "var/digbot.sqlite"
    echo_sql: bool = False
    """Log every SQL statement with its values (captions included): for debugging only, and
    independent of `logging.level` (at DEBUG, statements stay out of the log unless this is on)."""
