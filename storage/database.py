"""The database: engine, sessions, SQLite pragmas, and migrations applied at start-up.

SQLite (`sqlite+aiosqlite://`, the default) or PostgreSQL (`postgresql+asyncpg://`). What
differs between them stays in storage/: SQLite's pragmas, the upsert dialect (`Database.insert`),
row locks (`FOR UPDATE SKIP LOCKED`, which SQLite's single writer makes unnecessary and
SQLAlchemy leaves out there), JSON stored as JSONB on PostgreSQL (`models.Json`).
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any, TypeAlias

from alembic import command
from alembic.config import Config
from sqlalchemy import Executable, event, make_url, text
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)

MIGRATIONS = Path(__file__).resolve().parent / "migrations"

Insert: TypeAlias = sqlite.Insert | postgresql.Insert
"""An INSERT with `on_conflict_do_nothing` / `on_conflict_do_update` (the same API on both)."""

SYNC_DRIVERS = {"sqlite": "sqlite", "postgresql": "postgresql+psycopg"}
"""The synchronous driver for each backend (migrations, the job store, offline scripts)."""


def sync_url(url: str) -> str:
    """The same database as `url`, through a synchronous driver."""
    parsed = make_url(url)
    backend = parsed.get_backend_name()
    driver = SYNC_DRIVERS.get(backend, backend)
    return parsed.set(drivername=driver).render_as_string(hide_password=False)


def alembic_config(url: str) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.set_main_option("sqlalchemy.url", sync_url(url))
    return config


def upgrade(url: str, revision: str = "head") -> None:
    """Apply the migrations up to `revision` (blocking; run it in a thread from async code)."""
    if url.startswith("sqlite"):
        path = url.split("///", 1)[-1]
        Path(path).parent.mkdir(parents=True, exist_ok=True)
    command.upgrade(alembic_config(url), revision)


def downgrade(url: str, revision: str) -> None:
    """Undo the migrations after `revision` ("base": all of them; blocking)."""
    command.downgrade(alembic_config(url), revision)


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=5000")
    cursor.execute("PRAGMA synchronous=NORMAL")
    # Deleted rows are overwritten with zeros, not left readable in free pages (/forget).
    cursor.execute("PRAGMA secure_delete=ON")
    cursor.close()


class Database:
    """One engine and its session factory; `async with db.session() as s` commits or rolls back."""

    def __init__(self, url: str, *, echo_sql: bool = False) -> None:
        """`echo_sql` (storage.echo_sql) also lets error messages show the statements' values;
        otherwise an error's text (and so its traceback in the log) keeps them hidden."""
        self.url = url
        self.is_sqlite = make_url(url).get_backend_name() == "sqlite"
        # A server's connections can die under a pool (a restart, a failover): test each one
        # as it is taken out. SQLite's are files in this process.
        try:
            self.engine: AsyncEngine = create_async_engine(
                url, hide_parameters=not echo_sql, pool_pre_ping=not self.is_sqlite
            )
        except ModuleNotFoundError as missing:
            raise RuntimeError(
                f"[storage] database: the {missing.name} driver is not installed "
                "(PostgreSQL needs the `distributed` extra: uv sync --extra distributed)"
            ) from missing
        if self.is_sqlite:
            event.listen(self.engine.sync_engine, "connect", _sqlite_pragmas)
        self._sessions = async_sessionmaker(self.engine, expire_on_commit=False)

    async def migrate(self) -> None:
        await asyncio.to_thread(upgrade, self.url)

    def insert(self, table: Any) -> Insert:
        """An INSERT into `table` in this backend's dialect, for its ON CONFLICT clauses."""
        return sqlite.insert(table) if self.is_sqlite else postgresql.insert(table)

    @asynccontextmanager
    async def session(self) -> AsyncIterator[AsyncSession]:
        async with self._sessions() as session, session.begin():
            yield session

    async def scalar(self, statement: Executable) -> Any:
        """The first column of the first row of a read, in a transaction of its own."""
        async with self.session() as session:
            return await session.scalar(statement)

    async def checkpoint(self) -> None:
        """Copy the write-ahead log into the database file and empty it (SQLite only).

        After a deletion the WAL still holds the pages as they were before it; with
        `secure_delete` the checkpoint leaves the deleted rows readable nowhere on disk.
        """
        if self.is_sqlite:
            async with self.engine.connect() as connection:
                await connection.execute(text("PRAGMA wal_checkpoint(TRUNCATE)"))

    async def close(self) -> None:
        await self.engine.dispose()
