"""After /forget, the bot's log holds nothing that leads back to the person: log lines name a
chat by a keyed hash, never by its id. The playground over real HTTP; logging set up as `digbot`
sets it up, at DEBUG; every record of the bot's is read (the playground's own, standing in for
Telegram, are not the bot's log). No models."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from analyzers.pipeline import LoadedAnalyzers
from bot.container import Container
from bot.runtimes import RuntimeName
from bot.settings import Settings
from handlers import texts
from service.pseudonyms import pseudonym
from tests.e2e.conftest import Running, bot_running
from tests.e2e.replies import at_least
from tests.fixtures.instagram_fixture import FixturePost, sample_jpeg, write_profile
from tests.logging_setup import logging_as_digbot

pytestmark = pytest.mark.slow

CHAT = 918273645


async def test_no_log_line_names_the_chat(
    settings: Settings, profiles_root: Path, runtime_name: RuntimeName
) -> None:
    post = FixturePost(taken_at=datetime(2026, 9, 1, tzinfo=UTC), images=[sample_jpeg(1)])
    write_profile(profiles_root, "natgeo", [post])
    debug = settings.model_copy(
        update={"logging": settings.logging.model_copy(update={"level": "DEBUG"})}
    )
    with logging_as_digbot(debug) as records:
        container = Container(settings, analyzers=LoadedAnalyzers())
        async with bot_running(container, runtime_name=runtime_name) as running:
            await _forget_everything(running)
    lines = [r.getMessage() for r in records if not r.name.startswith("playground")]
    assert any(f"chat={pseudonym(CHAT)}" in line for line in lines)  # the chat's lines exist
    assert not [line for line in lines if str(CHAT) in line]


async def _forget_everything(running: Running) -> None:
    client = running.client
    sent = await client.send_text(CHAT, "/analyze natgeo")  # typing… is sent meanwhile
    await client.wait_for(CHAT, lambda m: any(x["buttons"] for x in m), after=sent["message_id"])
    for text in ("/start", "/export"):
        sent = await client.send_text(CHAT, text)
        await client.wait_for(CHAT, at_least(1), after=sent["message_id"])
    sent = await client.send_text(CHAT, "/forget")
    # Wait for the question itself: a late part of an earlier answer may come first.
    asked = await client.wait_for(
        CHAT, lambda m: any(x["text"] == texts.FORGET_CONFIRM for x in m), after=sent["message_id"]
    )
    question = next(m for m in asked if m["text"] == texts.FORGET_CONFIRM)
    await client.press(CHAT, question["message_id"], f"forget:1:{CHAT}")
    await client.wait_for(CHAT, lambda m: "deleted" in (m[-1]["text"] or ""), timeout=30)
