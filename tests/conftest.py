"""Shared fixtures: settings on a temporary database, the data sets folder, and the analyzers
loaded once per test session (loading TensorFlow models takes seconds)."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from redis.asyncio import Redis

from analyzers.pipeline import LoadedAnalyzers, load_analyzers
from bot.settings import PROJECT_ROOT, Settings, load_settings

pytest_plugins = ["tests.servers"]


@pytest.fixture(scope="session")
def data_dir() -> Path:
    """The research data sets (../shared/data or $DIGBOT_DATA); skips the test when absent."""
    path = Path(os.environ.get("DIGBOT_DATA") or PROJECT_ROOT.parent / "shared" / "data")
    if not path.is_dir():
        pytest.skip(f"data sets not found at {path} (set DIGBOT_DATA)")
    return path


@pytest.fixture(scope="session")
def analyzers() -> LoadedAnalyzers:
    return load_analyzers()


@pytest.fixture
def profiles_root(tmp_path: Path) -> Path:
    root = tmp_path / "profiles"
    root.mkdir()
    return root


@pytest.fixture
def settings(database: str, profiles_root: Path) -> Settings:
    return load_settings(
        env={},
        storage={"database": database},
        instagram={"source": "directory", "directory": str(profiles_root)},
        analysis={"workers": 2},
    )


@pytest.fixture
async def redis(redis_url: str) -> AsyncIterator[Redis]:
    """A client of the session's Redis server, its database emptied first."""
    client = Redis.from_url(redis_url)
    await client.flushdb()
    yield client
    await client.aclose()
