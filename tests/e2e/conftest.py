"""A running bot: the playground on a free port and a real runtime (aiogram, or
python-telegram-bot: every test on `running` runs on both) connected to it."""

from __future__ import annotations

import itertools
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest
from redis import Redis

from analyzers.pipeline import LoadedAnalyzers
from bot.container import Container
from bot.ptb_runtime import PtbRuntime
from bot.runtime import BotRuntime
from bot.runtimes import RUNTIMES, RuntimeName, make_runtime
from bot.settings import Settings
from playground import Playground
from playground.client import PlaygroundClient
from service.app import DigService
from tests.e2e.bot_process import START_TIMEOUT, Cluster, distributed_config
from tests.servers import PostgresServer, free_port


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


@asynccontextmanager
async def _bot_on(
    request: pytest.FixtureRequest, settings: Settings, runtime_name: RuntimeName
) -> AsyncIterator[Running]:
    """The bot on `runtime_name`, with every model loaded, or with none in a test marked
    `without_models`."""
    if request.node.get_closest_marker("without_models"):
        analyzers = LoadedAnalyzers()
    else:
        analyzers = request.getfixturevalue("analyzers")
    container = Container(settings, analyzers=analyzers)
    async with bot_running(container, runtime_name=runtime_name) as running:
        yield running


@pytest.fixture
async def running(
    request: pytest.FixtureRequest, settings: Settings, runtime_name: RuntimeName
) -> AsyncIterator[Running]:
    """The bot on each runtime (`_bot_on`)."""
    async with _bot_on(request, settings, runtime_name) as running:
        yield running


EMBEDDED_CHAT = 4242
_shared_bot_chats = itertools.count(5000)


@dataclass(frozen=True)
class Conversation:
    """A person's side of the bot in either mode: the chat, where profiles are read from, and
    the database (a SQLAlchemy URL)."""

    client: PlaygroundClient
    profiles_root: Path
    database_url: str
    chat: int
    """The person's chat (and user id): a new one per test where tests share a bot."""


@dataclass(frozen=True)
class Distributed:
    cluster: Cluster
    profiles_root: Path
    database_url: str


@contextmanager
def distributed(
    folder: Path, redis: str, postgres: PostgresServer, **queue: float
) -> Iterator[Distributed]:
    """A playground, an ingress and two workers as processes, on a new PostgreSQL database and
    an emptied Redis database."""
    with Redis.from_url(redis) as client:
        client.flushdb()
    port = free_port()
    with postgres.fresh_database() as database:
        config = distributed_config(
            folder, api_base=f"http://127.0.0.1:{port}", database=database, redis=redis, **queue
        )
        cluster = Cluster(config, folder, port)
        try:
            cluster.start()
            yield Distributed(cluster, folder / "profiles", database)
        finally:
            cluster.stop()


@pytest.fixture(scope="module")
def distributed_bot(
    tmp_path_factory: pytest.TempPathFactory, redis_url: str, postgres_server: PostgresServer
) -> Iterator[Distributed]:
    """The distributed mode for a whole test module (its processes take a minute to start)."""
    with distributed(tmp_path_factory.mktemp("cluster"), redis_url, postgres_server) as running:
        yield running


DISTRIBUTED = pytest.param(
    "distributed", marks=[pytest.mark.distributed, pytest.mark.timeout(START_TIMEOUT + 300)]
)
"""The distributed mode's tests may take the processes' start on top of pytest's timeout."""


@pytest.fixture(params=[*RUNTIMES, DISTRIBUTED])
async def conversation(
    request: pytest.FixtureRequest, settings: Settings, profiles_root: Path
) -> AsyncIterator[Conversation]:
    """The bot in each mode: embedded on each runtime, and PostgreSQL + Redis + an ingress and
    two workers as processes (`distributed_bot`, shared by the module's tests)."""
    if request.param != "distributed":
        async with _bot_on(request, settings, request.param) as running:
            yield Conversation(running.client, profiles_root, settings.database_url, EMBEDDED_CHAT)
        return
    bot: Distributed = request.getfixturevalue("distributed_bot")
    chat = next(_shared_bot_chats)  # a late message of the previous test lands elsewhere
    yield Conversation(
        PlaygroundClient(bot.cluster.base_url), bot.profiles_root, bot.database_url, chat
    )
