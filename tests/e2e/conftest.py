"""A running bot: the playground on a free port and the real aiogram runtime connected to it."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass

import pytest

from analyzers.pipeline import LoadedAnalyzers
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


@pytest.fixture
async def running(settings: Settings, analyzers: LoadedAnalyzers) -> AsyncIterator[Running]:
    playground = Playground(port=0)
    await playground.start()
    service = DigService(settings, analyzers=analyzers)
    bot = make_bot(playground.token, playground.base_url)
    runtime = BotRuntime(service, bot, album_latency=0.5)
    await runtime.start()
    client = PlaygroundClient(playground.base_url)
    try:
        yield Running(playground, client, runtime, service)
    finally:
        await client.close()
        await runtime.stop(grace=5)
        await playground.stop()
