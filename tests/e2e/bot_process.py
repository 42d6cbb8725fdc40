"""Bot processes for the end-to-end tests: `digbot run` without models for the restart test,
and the distributed mode's pieces (`Cluster`: an ingress and workers, each its own process).

`digbot run` for the restart test, in a process the test can kill with SIGKILL.

The same settings (DIGBOT_CONFIG, BOT_TOKEN, `[telegram] api_base` pointing at the test's
playground) and the same runtime (`[telegram] runtime`, DIGBOT_RUNTIME), service, scheduler and
outbox as `digbot run`; only the analyzer models are not loaded (that takes about a minute on a
busy machine, and the restart test is about scheduling and delivery, not analysis). Prints
"ready" once it polls.

With DIGBOT_TEST_HOLD=<file>, every fetch after the first (the one /subscribe checks the
profile with) creates <file> and never returns: the test knows a run is under way and kills.

    python -m tests.e2e.bot_process
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import signal
import subprocess
import sys
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from analyzers.pipeline import LoadedAnalyzers
from bot.container import Container, make_source
from bot.runtimes import make_runtime
from bot.settings import PROJECT_ROOT, load_settings
from instagram.models import FetchedProfile
from instagram.source import ProfileSource
from playground.server import DEFAULT_TOKEN


class HeldSource:
    def __init__(self, inner: ProfileSource, marker: Path) -> None:
        self.inner, self.marker, self.fetches = inner, marker, 0

    async def fetch(self, username: str, max_posts: int) -> FetchedProfile:
        self.fetches += 1
        if self.fetches > 1:
            self.marker.touch()
            await asyncio.Event().wait()
        return await self.inner.fetch(username, max_posts)


START_TIMEOUT = 300
"""Seconds the processes of a cluster may take to be ready: a worker imports aiogram and loads
every model, over two minutes when the machine is busy."""


class Process:
    """One command of the app as a subprocess, started until it prints its ready line."""

    def __init__(self, command: Sequence[str], ready: str, env: dict[str, str], log: Path):
        self.command, self.ready, self.env, self.log = list(command), ready, env, log
        self.process: subprocess.Popen[str] | None = None

    def start(self) -> None:
        """Start; the caller waits for the ready line with `wait_ready` (start several first)."""
        with self.log.open("a") as log:
            self.process = subprocess.Popen(
                self.command,
                cwd=PROJECT_ROOT,
                env=self.env,
                stdout=subprocess.PIPE,
                stderr=log,
                text=True,
            )

    def wait_ready(self) -> None:
        """Until the ready line (START_TIMEOUT; the tests' pytest-timeout bounds the wait)."""
        assert self.process is not None and self.process.stdout is not None
        while self.ready not in (line := self.process.stdout.readline()):
            assert line, f"{self.command} exited:\n{self.log.read_text()[-3000:]}"

    def stop(self, sig: signal.Signals = signal.SIGTERM) -> None:
        """Send `sig` (SIGKILL: no goodbye) and wait for the end."""
        if self.process is None:
            return
        with contextlib.suppress(ProcessLookupError):
            self.process.send_signal(sig)
        self.process.wait(timeout=60)
        self.process = None


DIGBOT = [sys.executable, "-m", "bot"]


def distributed_config(
    folder: Path, *, api_base: str, database: str, redis: str, **queue: float
) -> Path:
    """The config file every process of a cluster reads (profiles in `folder`/profiles)."""
    (folder / "profiles").mkdir(exist_ok=True)
    extra = "".join(f"{key} = {value}\n" for key, value in queue.items())
    config = folder / "config.toml"
    config.write_text(
        f"""
[telegram]
api_base = "{api_base}"
shutdown_grace_seconds = 2
[storage]
database = "{database}"
[instagram]
source = "directory"
directory = "{folder / "profiles"}"
[analysis]
workers = 1
queue_size = 128
[queue]
url = "{redis}"
{extra}""",
        encoding="utf-8",
    )
    return config


@dataclass
class Cluster:
    """The distributed mode: a playground, one ingress and `workers` workers sharing `config`'s
    database and queue, each a process of its own (logs in `folder`)."""

    config: Path
    folder: Path
    playground_port: int
    workers: int = 2
    token: str = DEFAULT_TOKEN
    playground: Process = field(init=False)
    ingress: Process = field(init=False)
    worker: list[Process] = field(init=False)

    def __post_init__(self) -> None:
        env = {**os.environ, "DIGBOT_CONFIG": str(self.config), "BOT_TOKEN": self.token}
        port = str(self.playground_port)
        self.playground = Process(
            [sys.executable, "-m", "playground", "--port", port, "--token", self.token],
            "chat page",
            env,
            self.folder / "playground.log",
        )
        self.ingress = Process(
            [*DIGBOT, "run"], "digbot is running", env, self.folder / "ingress.log"
        )
        self.worker = [
            Process(
                [*DIGBOT, "worker"], "digbot worker is running", env, self.folder / f"worker{i}.log"
            )
            for i in range(self.workers)
        ]

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.playground_port}"

    def start(self) -> None:
        self.playground.start()
        self.playground.wait_ready()
        pieces = [self.ingress, *self.worker]
        for piece in pieces:
            piece.start()
        for piece in pieces:
            piece.wait_ready()

    def stop(self) -> None:
        for piece in (self.ingress, *self.worker, self.playground):
            piece.stop()


async def main() -> None:
    settings = load_settings()
    logging.basicConfig(level=logging.INFO, stream=sys.stderr)
    if settings.telegram.token is None:
        raise SystemExit("BOT_TOKEN is not set")
    hold = os.environ.get("DIGBOT_TEST_HOLD")
    source = HeldSource(make_source(settings), Path(hold)) if hold else None
    container = Container(settings, analyzers=LoadedAnalyzers(), source=source)
    runtime = make_runtime(
        settings.telegram.runtime,
        container,
        settings.telegram.token.get_secret_value(),
        settings.telegram.api_base,
    )
    await runtime.start()
    print("ready", flush=True)
    await asyncio.Event().wait()  # until killed


if __name__ == "__main__":
    asyncio.run(main())
