"""Fixtures: a playground on a free port, its person client, and a real aiogram Bot against it."""

from __future__ import annotations

import io
from collections.abc import AsyncIterator, Callable

import pytest
from aiogram import Bot
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from PIL import Image

from playground import Playground
from playground.client import PlaygroundClient

CHAT = 1001


def make_jpeg(width: int = 64, height: int = 48, seed: int = 0) -> bytes:
    """A small deterministic JPEG: two gradients and a flat channel that differs by seed."""
    horizontal = Image.linear_gradient("L").rotate(90).resize((width, height))
    vertical = Image.linear_gradient("L").resize((width, height))
    flat = Image.new("L", (width, height), (seed * 90) % 256)
    out = io.BytesIO()
    Image.merge("RGB", (horizontal, vertical, flat)).save(out, "JPEG", quality=90)
    return out.getvalue()


@pytest.fixture
def jpeg() -> Callable[..., bytes]:
    return make_jpeg


@pytest.fixture
async def pg() -> AsyncIterator[Playground]:
    playground = Playground(port=0)
    await playground.start()
    yield playground
    await playground.stop()


@pytest.fixture
async def client(pg: Playground) -> AsyncIterator[PlaygroundClient]:
    person = PlaygroundClient(pg.base_url)
    yield person
    await person.close()


def make_bot(pg: Playground, token: str | None = None) -> Bot:
    session = AiohttpSession(api=TelegramAPIServer.from_base(pg.base_url))
    return Bot(token or pg.token, session=session)


@pytest.fixture
async def bot(pg: Playground) -> AsyncIterator[Bot]:
    telegram_bot = make_bot(pg)
    yield telegram_bot
    await telegram_bot.session.close()


@pytest.fixture
async def chat(client: PlaygroundClient) -> int:
    """A chat the person has opened with /start (the bot may write to it)."""
    await client.send_text(CHAT, "/start")
    return CHAT


async def until_polling(pg: Playground, polls: int = 1) -> None:
    """Wait on the server's change signal (not on time) until `polls` getUpdates arrived."""
    assert await pg.state.wait_for(lambda: pg.state.polls >= polls, 10)
