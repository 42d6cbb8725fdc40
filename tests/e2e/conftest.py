"""A running bot: the playground on a free port and a real runtime (aiogram, or
python-telegram-bot: every test on `running` runs on both) connected to it."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass

import pytest

from analyzers.pipeline import LoadedAnalyzers
from bot.container import Container
from bot.ptb_runtime import PtbRuntime
from bot.runtime import BotRuntime
from bot.runtimes import RUNTIMES, RuntimeName, make_runtime
from bot.settings import Settings
from playground import Playground
from playground.client import PlaygroundClient
from service.app import DigService


@dataclass
class Running:
    playground: Playground
    client: PlaygroundClient
    runtime: BotRuntime | PtbRuntime
    service: DigService


@asynccontextmanager
async def bot_running(
    container: Container, album_latency: float = 0.5, runtime_name: RuntimeName = "aiogram"
) -> AsyncIterator[Running]:
    """The playground on a free port and the bot around `container`, stopped afterwards."""
    playground = Playground(port=0)
    await playground.start()
    runtime = make_runtime(
        runtime_name, container, playground.token, playground.base_url, album_latency=album_latency
    )
    await runtime.start()
    client = PlaygroundClient(playground.base_url)
    try:
        yield Running(playground, client, runtime, container.service)
    finally:
        await client.close()
        await runtime.stop(grace=5)
        await playground.stop()


@pytest.fixture(params=RUNTIMES)
def runtime_name(request: pytest.FixtureRequest) -> RuntimeName:
    """Each runtime in turn."""
    name: RuntimeName = request.param
    return name


@pytest.fixture
async def running(
    request: pytest.FixtureRequest, settings: Settings, runtime_name: RuntimeName
) -> AsyncIterator[Running]:
    """The bot on each runtime, with every model loaded, or with none in a test marked
    `without_models`."""
    if request.node.get_closest_marker("without_models"):
        analyzers = LoadedAnalyzers()
    else:
        analyzers = request.getfixturevalue("analyzers")
    container = Container(settings, analyzers=analyzers)
    async with bot_running(container, runtime_name=runtime_name) as running:
        yield running
