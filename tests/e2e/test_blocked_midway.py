"""A person who blocks the bot while their profile is analysed: the 403 on the reply is
expected, not an error. No ERROR record, no traceback, no "Something went wrong"; the person is
paused (as the outbox pauses them) until they unblock, and is served normally after. The
playground over real HTTP (its 403 for a blocked chat), a real SQLite file; no models."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from analyzers.pipeline import LoadedAnalyzers
from bot.container import Container, make_source
from bot.runtimes import RuntimeName
from bot.settings import Settings
from handlers import texts
from instagram.models import FetchedProfile
from tests.e2e.conftest import Running, bot_running
from tests.e2e.replies import at_least
from tests.e2e.subscribing import eventually, query
from tests.fixtures.instagram_fixture import FixturePost, sample_jpeg, write_profile

pytestmark = pytest.mark.slow

CHAT = 6601


class GatedSource:
    """The folder source, held at each fetch until the test opens the gate."""

    def __init__(self, settings: Settings) -> None:
        self.inner = make_source(settings)
        self.entered, self.gate = asyncio.Event(), asyncio.Event()

    async def fetch(self, username: str, max_posts: int) -> FetchedProfile:
        self.entered.set()
        await self.gate.wait()
        return await self.inner.fetch(username, max_posts)


@pytest.fixture
async def gated(
    settings: Settings, profiles_root: Path, runtime_name: RuntimeName
) -> AsyncIterator[tuple[Running, GatedSource]]:
    post = FixturePost(taken_at=datetime(2026, 9, 1, tzinfo=UTC), images=[sample_jpeg(1)])
    write_profile(profiles_root, "natgeo", [post])
    source = GatedSource(settings)
    service = Container(settings, analyzers=LoadedAnalyzers(), source=source)
    async with bot_running(service, runtime_name=runtime_name) as running:
        yield running, source


async def test_blocking_during_an_analysis_is_not_an_error(
    gated: tuple[Running, GatedSource], settings: Settings, caplog: pytest.LogCaptureFixture
) -> None:
    running, source = gated
    client, database = running.client, Path(settings.storage.database)
    caplog.set_level(logging.INFO)
    await client.send_text(CHAT, "/analyze natgeo")
    await asyncio.wait_for(source.entered.wait(), 30)
    await client.block(CHAT)
    source.gate.set()

    async def handled() -> bool:  # the update's own log line, written when it ends
        lines = [r.getMessage() for r in caplog.records]
        return any("handler=analyze_command" in line for line in lines)

    await eventually(handled)
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert running.runtime.metrics.snapshot()["errors"] == 0
    assert query(database, "SELECT blocked FROM users WHERE id = ?", CHAT) == [(1,)]

    await client.unblock(CHAT)
    sent = await client.send_text(CHAT, "/help")
    replies = await client.wait_for(CHAT, at_least(1), after=sent["message_id"])
    assert "What I understand" in replies[0]["text"]
    assert not [m for m in await client.messages(CHAT) if m["text"] == texts.FAILED]
    assert query(database, "SELECT blocked FROM users WHERE id = ?", CHAT) == [(0,)]
