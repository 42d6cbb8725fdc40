"""A running bot: the playground on a free port and the real aiogram runtime connected to it."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass

import pytest

from analyzers.pipeline import LoadedAnalyzers
from bot.container import Container
from bot.runtime import BotRuntime, make_bot
from bot.settings import Settings
from playground import Playground
from playground.client import PlaygroundClient
from service.app import DigService


@dataclass
class Running:
    playground: Playground
    client: PlaygroundClient
    runtime: BotRuntime
    service: DigService


@asynccontextmanager
async def bot_running(container: Container, album_latency: float = 0.5) -> AsyncIterator[Running]:
    """The playground on a free port and the bot around `container`, stopped afterwards."""
    playground = Playground(port=0)
    await playground.start()
    bot = make_bot(playground.token, playground.base_url)
    runtime = BotRuntime(container, bot, album_latency=album_latency)
    await runtime.start()
    client = PlaygroundClient(playground.base_url)
    try:
        yield Running(playground, client, runtime, container.service)
    finally:
        await client.close()
        await runtime.stop(grace=5)
        await playground.stop()


@pytest.fixture
async def running(request: pytest.FixtureRequest, settings: Settings) -> AsyncIterator[Running]:
    """The bot with every model loaded, or with none in a test marked `without_models`."""
    if request.node.get_closest_marker("without_models"):
        analyzers = LoadedAnalyzers()
    else:
        analyzers = request.getfixturevalue("analyzers")
    async with bot_running(Container(settings, analyzers=analyzers)) as running:
        yield running
