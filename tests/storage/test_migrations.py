"""Every Alembic migration goes up and down, one at a time, on SQLite and on PostgreSQL, and
the schema they build is the one the models describe."""

from __future__ import annotations

from typing import Any

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import create_engine, inspect

from bot.settings import Settings
from storage.database import alembic_config, downgrade, sync_url, upgrade
from storage.models import Base

pytestmark = pytest.mark.both_backends


def _inspect(url: str, look: Any) -> Any:
    engine = create_engine(sync_url(url))
    try:
        with engine.connect() as connection:
            return look(connection)
    finally:
        engine.dispose()


def _tables(url: str) -> set[str]:
    return _inspect(url, lambda c: set(inspect(c).get_table_names()) - {"alembic_version"})


def _revision(url: str) -> str | None:
    return _inspect(url, lambda c: MigrationContext.configure(c).get_current_revision())


def _drift(url: str) -> list[Any]:
    """What differs between the database's schema and the models' (empty: nothing)."""
    return _inspect(url, lambda c: compare_metadata(MigrationContext.configure(c), Base.metadata))


def test_every_migration_goes_up_and_down(settings: Settings) -> None:
    url = settings.database_url
    script = ScriptDirectory.from_config(alembic_config(url))
    revisions = [r.revision for r in reversed(list(script.walk_revisions()))]
    assert len(revisions) >= 6
    for revision in revisions:
        upgrade(url, revision)
        assert _revision(url) == revision
    assert _drift(url) == []
    assert _tables(url) == set(Base.metadata.tables)
    for revision in reversed(revisions):
        assert _revision(url) == revision
        downgrade(url, "-1")
    assert _revision(url) is None
    assert _tables(url) == set()
    upgrade(url)
    assert _drift(url) == []
