"""A button acts only for the person it was shown to. In a group (here: a press forged with
another person as its sender, which is what a group member's press is) B pressing A's
"Yes, delete everything" or A's "Stop" gets a short answer, and nothing changes for anyone;
A's own press still works. The playground over real HTTP, a real SQLite file; no models."""

from __future__ import annotations

import copy
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from analyzers.pipeline import LoadedAnalyzers
from bot.container import Container
from bot.runtimes import RuntimeName
from bot.settings import Settings
from handlers import texts
from tests.e2e.conftest import Running, bot_running
from tests.e2e.replies import at_least
from tests.e2e.subscribing import query, rows_about
from tests.fixtures.instagram_fixture import FixturePost, sample_jpeg, write_profile

pytestmark = pytest.mark.slow

ALICE, BOB = 5301, 5302


@pytest.fixture
async def running(
    settings: Settings, profiles_root: Path, runtime_name: RuntimeName
) -> AsyncIterator[Running]:
    post = FixturePost(taken_at=datetime(2026, 9, 1, tzinfo=UTC), images=[sample_jpeg(1)])
    write_profile(profiles_root, "natgeo", [post])
    container = Container(settings, analyzers=LoadedAnalyzers())
    async with bot_running(container, runtime_name=runtime_name) as running:
        yield running


async def ask(running: Running, chat: int, text: str, count: int) -> list[dict[str, Any]]:
    sent = await running.client.send_text(chat, text)
    return await running.client.wait_for(chat, at_least(count), after=sent["message_id"])


async def press_as(running: Running, presser: int, chat: int, message_id: int, data: str) -> str:
    """A press on a message of `chat` by `presser`: what a group member's press looks like."""
    state = running.playground.state
    message = state.person_chat(chat).find(message_id)
    assert message is not None
    record = state.new_callback(state.person_chat(chat), message, data)
    state.push_update(
        "callback_query",
        {
            "id": record.id,
            "from": state.person_chat(presser).user,
            "message": copy.deepcopy(message.tg),
            "chat_instance": str(chat),
            "data": data,
        },
    )
    return record.id


async def test_only_the_owner_can_press_forget_and_stop(
    running: Running, settings: Settings
) -> None:
    client, database = running.client, Path(settings.storage.database)
    for person in (ALICE, BOB):
        await ask(running, person, "/subscribe natgeo", 1)
    before = {person: rows_about(database, person) for person in (ALICE, BOB)}
    assert before[ALICE] and before[BOB]

    listing = await ask(running, ALICE, "/subscriptions", 1)  # header and profile: one bubble
    stop = listing[-1]
    callback = await press_as(running, BOB, ALICE, stop["message_id"], f"unsub:natgeo:{ALICE}")
    record = await client.callback(ALICE, callback, timeout=30)
    assert record["text"] == texts.NOT_YOUR_BUTTON

    asked = await ask(running, ALICE, "/forget", 1)
    yes = f"forget:1:{ALICE}"
    callback = await press_as(running, BOB, ALICE, asked[0]["message_id"], yes)
    record = await client.callback(ALICE, callback, timeout=30)
    assert record["text"] == texts.NOT_YOUR_BUTTON and record["show_alert"]

    await ask(running, BOB, "/help", 1)  # every update before this one has been handled
    assert {person: rows_about(database, person) for person in (ALICE, BOB)} == before
    assert len(query(database, "SELECT id FROM subscriptions")) == 2
    assert not [m for m in await client.messages(ALICE) if "deleted" in (m["text"] or "")]

    await client.press(ALICE, asked[0]["message_id"], yes)  # the owner's own press works
    await client.wait_for(ALICE, lambda m: "deleted" in (m[-1]["text"] or ""), timeout=30)
    assert rows_about(database, ALICE) == {} and rows_about(database, BOB) == before[BOB]
