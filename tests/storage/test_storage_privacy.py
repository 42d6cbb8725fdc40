"""What the database leaves behind: rows removed by /forget are readable nowhere on disk (not in
free pages of the SQLite file, not in its WAL) while the bot keeps running, and SQL statements
with their values stay out of the log at DEBUG unless `storage.echo_sql` asks for them.
A real SQLite file, read back as raw bytes."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy.exc import IntegrityError

from analyzers.pipeline import LoadedAnalyzers
from bot.container import Container
from bot.settings import Settings
from storage.repositories.outbox import Outgoing, enqueue
from tests.logging_setup import logging_as_digbot

ALICE, BOB = 6301, 6302
ALICE_TEXT = "Alice's caption: the flat on Rue Mouffetard, the key under the mat"
BOB_TEXT = "Bob's caption: marathon training, week nine of twelve"


def _on_disk(database: Path) -> bytes:
    """The SQLite file and its write-ahead log as they are on disk right now."""
    wal = database.with_name(database.name + "-wal")
    return database.read_bytes() + (wal.read_bytes() if wal.exists() else b"")


async def _remember(service: Container, person: int, text: str) -> None:
    await service.repositories.people.touch(person, person, "en")
    async with service.db.session() as session:
        enqueue(session, person, person, [Outgoing(text)], datetime(2026, 10, 1, tzinfo=UTC))


@pytest.mark.parametrize("database", ["sqlite"], indirect=True)  # PostgreSQL: its own files
async def test_forgotten_rows_are_not_left_in_the_file_or_the_wal(settings: Settings) -> None:
    service = Container(settings, analyzers=LoadedAnalyzers())
    await service.start()
    database = Path(settings.storage.database)
    try:
        await _remember(service, ALICE, ALICE_TEXT)
        await _remember(service, BOB, BOB_TEXT)
        assert ALICE_TEXT.encode() in _on_disk(database)
        assert await service.repositories.people.forget(ALICE) == 2
        on_disk = _on_disk(database)
        assert ALICE_TEXT.encode() not in on_disk
        assert BOB_TEXT.encode() in on_disk  # the scan does see rows that are kept
    finally:
        await service.close()


async def _write_logged(settings: Settings) -> list[str]:
    service = Container(settings, analyzers=LoadedAnalyzers())
    with logging_as_digbot(settings) as records:
        await service.start()
        try:
            await _remember(service, ALICE, ALICE_TEXT)
        finally:
            await service.close()
    return [r.getMessage() for r in records if r.name.startswith("sqlalchemy")]


@pytest.mark.both_backends
async def test_sql_is_logged_only_when_echo_sql_is_set(settings: Settings) -> None:
    debug = settings.model_copy(
        update={"logging": settings.logging.model_copy(update={"level": "DEBUG"})}
    )
    assert await _write_logged(debug) == []
    echo = debug.model_copy(update={"storage": debug.storage.model_copy(update={"echo_sql": True})})
    statements = await _write_logged(echo)
    assert any("INSERT INTO outbox" in s for s in statements)


@pytest.mark.both_backends
async def test_a_database_error_does_not_carry_the_values(settings: Settings) -> None:
    """An error's text goes into the log with its traceback: the statement, not the caption."""
    service = Container(settings, analyzers=LoadedAnalyzers())
    await service.start()
    try:
        with pytest.raises(IntegrityError) as raised:
            async with service.db.session() as session:  # nobody 404: the foreign key fails
                enqueue(
                    session, 404, 404, [Outgoing(ALICE_TEXT)], datetime(2026, 10, 1, tzinfo=UTC)
                )
        assert "INSERT INTO outbox" in str(raised.value)
        assert ALICE_TEXT not in str(raised.value)
    finally:
        await service.close()
