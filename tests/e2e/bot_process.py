"""`digbot run` for the restart test, in a process the test can kill with SIGKILL.

The same settings (DIGBOT_CONFIG, BOT_TOKEN, `[telegram] api_base` pointing at the test's
playground) and the same BotRuntime, service, scheduler and outbox as `digbot run`; only the
analyzer models are not loaded (that takes about a minute on a busy machine, and the restart
test is about scheduling and delivery, not analysis). Prints "ready" once it polls.

    python -m tests.e2e.bot_process
"""

from __future__ import annotations

import asyncio
import logging
import sys

from analyzers.pipeline import LoadedAnalyzers
from bot.runtime import BotRuntime, make_bot
from bot.settings import load_settings
from service.app import DigService


async def main() -> None:
    settings = load_settings()
    logging.basicConfig(level=logging.INFO, stream=sys.stderr)
    if settings.telegram.token is None:
        raise SystemExit("BOT_TOKEN is not set")
    bot = make_bot(settings.telegram.token.get_secret_value(), settings.telegram.api_base)
    runtime = BotRuntime(DigService(settings, analyzers=LoadedAnalyzers()), bot)
    await runtime.start()
    print("ready", flush=True)
    await asyncio.Event().wait()  # until killed


if __name__ == "__main__":
    asyncio.run(main())
