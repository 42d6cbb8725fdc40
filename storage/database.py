"""The database: engine, sessions, SQLite pragmas, and migrations applied at start-up."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any, TypeVar

from alembic import command
from alembic.config import Config
from sqlalchemy import Executable, event, make_url, text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)

MIGRATIONS = Path(__file__).resolve().parent / "migrations"

T = TypeVar("T")


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


def upgrade(url: str) -> None:
    """Apply every migration (blocking; run it in a thread from async code)."""
    if url.startswith("sqlite"):
        path = url.split("///", 1)[-1]
        Path(path).parent.mkdir(parents=True, exist_ok=True)
    command.upgrade(alembic_config(url), "head")


SQLITE_POOL: dict[str, Any] = {"pool_size": 1, "max_overflow": 0, "pool_timeout": 120}
"""One connection to a SQLite file: SQLite has one writer at a time anyway, and a writer
waiting for its lock polls for it (busy_timeout) instead of queueing. With a connection per
concurrent session, 50 people arriving at once had writers polling past the 5 s timeout and
failing their update with "database is locked" (benchmarks/bench_load.py --debug); with one,
sessions queue for the connection in order. Sessions are never nested in storage/, so one
connection cannot deadlock."""


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
        sqlite = url.startswith("sqlite")
        self.engine: AsyncEngine = create_async_engine(
            url, hide_parameters=not echo_sql, **(SQLITE_POOL if sqlite else {})
        )
        if sqlite:
            event.listen(self.engine.sync_engine, "connect", _sqlite_pragmas)
        self._sessions = async_sessionmaker(self.engine, expire_on_commit=False)

    async def migrate(self) -> None:
        await asyncio.to_thread(upgrade, self.url)

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
        if self.url.startswith("sqlite"):
            async with self.engine.connect() as connection:
                await connection.execute(text("PRAGMA wal_checkpoint(TRUNCATE)"))

    async def close(self) -> None:
        await self.engine.dispose()


async def retry_on_conflict(transaction: Callable[[], Awaitable[T]]) -> T:
    """Run a read-then-insert transaction; run it once more if a concurrent one inserted first.

    SQLite takes its write lock only at the insert, so two transactions can both see no row and
    both insert it (a new person's album, two people following the same new profile). The
    loser's second run finds the winner's row and updates it.
    """
    try:
        return await transaction()
    except IntegrityError:
        return await transaction()
