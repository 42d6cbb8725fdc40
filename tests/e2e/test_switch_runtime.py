"""Buttons outlive a change of runtime: the bot runs on one framework, a person gets buttons,
the bot restarts on the other framework over the same database, and the old buttons work —
both runtimes make and read the same callback_data (handlers.keyboards)."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from analyzers.pipeline import LoadedAnalyzers
from bot.container import Container
from bot.runtimes import RuntimeName, make_runtime
from bot.settings import Settings
from handlers import texts
from playground import Playground
from playground.client import PlaygroundClient
from tests.fixtures.instagram_fixture import FixturePost, sample_jpeg, write_profile

pytestmark = pytest.mark.slow

CHAT = 5151


def _button(messages: list[dict[str, Any]], prefix: str) -> tuple[int, str]:
    """The message id and callback data of the first button whose data starts with `prefix`."""
    for message in messages:
        for row in message["buttons"]:
            for button in row:
                if button["callback_data"].startswith(prefix):
                    return message["message_id"], button["callback_data"]
    raise AssertionError(f"no {prefix} button in {[m['text'] for m in messages]}")


async def _press_and_read(client: PlaygroundClient, message_id: int, data: str) -> str:
    latest = (await client.messages(CHAT))[-1]["message_id"]
    pressed = await client.press(CHAT, message_id, data)
    record = await client.callback(CHAT, pressed["callback_query_id"], timeout=30)
    assert record["answered"], data
    replies = await client.wait_for(CHAT, lambda m: len(m) >= 1, after=latest, timeout=60)
    return str(replies[0]["text"])


@pytest.mark.parametrize(("first", "then"), [("aiogram", "ptb"), ("ptb", "aiogram")])
async def test_buttons_work_after_switching_runtime(
    settings: Settings, profiles_root: Path, first: RuntimeName, then: RuntimeName
) -> None:
    post = FixturePost(taken_at=datetime(2026, 9, 1, tzinfo=UTC), images=[sample_jpeg(1)])
    write_profile(profiles_root, "natgeo", [post])
    playground = Playground(port=0)
    await playground.start()
    client = PlaygroundClient(playground.base_url)

    def runtime(name: RuntimeName) -> Any:
        container = Container(settings, analyzers=LoadedAnalyzers())
        return make_runtime(name, container, playground.token, playground.base_url)

    try:
        before = runtime(first)
        await before.start()
        try:
            for command in ("/start", "/subscribe natgeo weekly", "/subscriptions"):
                sent = await client.send_text(CHAT, command)
                await client.wait_for(CHAT, lambda m: len(m) >= 1, after=sent["message_id"])
        finally:
            await before.stop(grace=5)
        messages = await client.messages(CHAT)
        menu = _button(messages, "menu:help:")
        make_daily = _button(messages, "sub:natgeo:daily:")
        stop = _button(messages, "unsub:natgeo:")

        after = runtime(then)
        await after.start()
        try:
            assert "What I understand" in await _press_and_read(client, *menu)
            assert "daily report on @natgeo" in await _press_and_read(client, *make_daily)
            assert "Stopped: no more reports on @natgeo" in await _press_and_read(client, *stop)
            assert texts.BUTTON_EXPIRED not in [m["text"] for m in await client.messages(CHAT)]
        finally:
            await after.stop(grace=5)
    finally:
        await client.close()
        await playground.stop()
