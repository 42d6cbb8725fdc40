"""`digbot run` for the restart test, in a process the test can kill with SIGKILL.

The same settings (DIGBOT_CONFIG, BOT_TOKEN, `[telegram] api_base` pointing at the test's
playground) and the same BotRuntime, service, scheduler and outbox as `digbot run`; only the
analyzer models are not loaded (that takes about a minute on a busy machine, and the restart
test is about scheduling and delivery, not analysis). Prints "ready" once it polls.

With DIGBOT_TEST_HOLD=<file>, every fetch after the first (the one /subscribe checks the
profile with) creates <file> and never returns: the test knows a run is under way and kills.

    python -m tests.e2e.bot_process
"""

from __future__ import annotations

import asyncio
import logging
import os
import sys
from pathlib import Path

from analyzers.pipeline import LoadedAnalyzers
from bot.container import Container, make_source
from bot.runtime import BotRuntime, make_bot
from bot.settings import load_settings
from instagram.models import FetchedProfile
from instagram.source import ProfileSource


class HeldSource:
    def __init__(self, inner: ProfileSource, marker: Path) -> None:
        self.inner, self.marker, self.fetches = inner, marker, 0

    async def fetch(self, username: str, max_posts: int) -> FetchedProfile:
        self.fetches += 1
        if self.fetches > 1:
            self.marker.touch()
            await asyncio.Event().wait()
        return await self.inner.fetch(username, max_posts)


async def main() -> None:
    settings = load_settings()
    logging.basicConfig(level=logging.INFO, stream=sys.stderr)
    if settings.telegram.token is None:
        raise SystemExit("BOT_TOKEN is not set")
    bot = make_bot(settings.telegram.token.get_secret_value(), settings.telegram.api_base)
    hold = os.environ.get("DIGBOT_TEST_HOLD")
    source = HeldSource(make_source(settings), Path(hold)) if hold else None
    runtime = BotRuntime(Container(settings, analyzers=LoadedAnalyzers(), source=source), bot)
    await runtime.start()
    print("ready", flush=True)
    await asyncio.Event().wait()  # until killed


if __name__ == "__main__":
    asyncio.run(main())
