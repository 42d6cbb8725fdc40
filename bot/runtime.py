"""The running bot: aiogram wired to the service, against Telegram or the local playground."""

from __future__ import annotations

import asyncio
import gc
from typing import Any

from aiogram import Bot, Dispatcher
from aiogram.client.default import DefaultBotProperties
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.enums import ParseMode
from aiogram.types import BotCommand
from aiogram.webhook.aiohttp_server import SimpleRequestHandler, setup_application
from aiohttp import web

from bot.aiogram_routes import build_router
from bot.container import Container
from bot.metrics import runtime_metrics
from bot.middlewares import UpdateMiddleware
from bot.pacing import Pacer
from bot.session import configure_session, send_path_of
from bot.telegram_sender import telegram_sender
from handlers.keyboards import change_report_keyboard

COMMANDS = [
    BotCommand(command="start", description="What I do"),
    BotCommand(command="analyze", description="Analyse an Instagram profile"),
    BotCommand(command="subscribe", description="Reports when a profile changes"),
    BotCommand(command="unsubscribe", description="Stop reports on a profile"),
    BotCommand(command="subscriptions", description="Profiles you follow"),
    BotCommand(command="privacy", description="What I keep and why"),
    BotCommand(command="export", description="Everything I keep about you"),
    BotCommand(command="forget", description="Delete everything about you"),
    BotCommand(command="help", description="All commands"),
]


def make_bot(token: str, api_base: str | None = None, pacer: Pacer | None = None) -> Bot:
    """A Bot whose requests go to Telegram (or `api_base`), paced (by `pacer`, shared by the
    processes of the distributed mode; else this process's own), retried through bad moments."""
    api = TelegramAPIServer.from_base(api_base) if api_base else None
    session = AiohttpSession(api=api) if api else AiohttpSession()
    configure_session(session, pacer=pacer)
    return Bot(token, session=session, default=DefaultBotProperties(parse_mode=ParseMode.HTML))


METRICS_LOG_SECONDS = 300.0


class BotRuntime:
    """Start and stop the bot without owning the process (the CLI, the tests and benchmarks)."""

    def __init__(
        self,
        container: Container,
        bot: Bot,
        *,
        album_latency: float = 1.0,
    ) -> None:
        self.container = container
        self.service = container.service
        self.bot = bot
        self.dispatcher = Dispatcher()
        self.metrics = runtime_metrics(container, *send_path_of(bot.session))
        self.updates = UpdateMiddleware(self.service, self.metrics)
        self.updates.install(self.dispatcher)
        self.dispatcher.include_router(build_router(album_latency))
        self._polling: asyncio.Task[Any] | None = None
        self._warm_up: asyncio.Task[None] | None = None

    async def start_service(self) -> None:
        await self.container.start()
        await self.container.start_background(telegram_sender(self.bot, change_report_keyboard))
        self.metrics.start_logging(METRICS_LOG_SECONDS)
        # In the background: the bot answers (/start, /help) while the models warm up.
        self._warm_up = asyncio.create_task(self._warm_up_and_freeze())

    async def _warm_up_and_freeze(self) -> None:
        await self.container.warm_up()
        # The loaded models are millions of long-lived objects; once frozen, full garbage
        # collections skip them. Unfrozen, one took ~0.5 s under load, holding the GIL and so
        # stalling the event loop (measured by benchmarks/bench_load.py). After the warm-up, so
        # that what the analyzers load lazily is frozen too.
        gc.freeze()

    async def warmed_up(self) -> None:
        """Until the warm-up is over (benchmarks measure from there)."""
        if self._warm_up is not None:
            await self._warm_up

    async def start_polling(self) -> None:
        """Register the commands and start long polling in the background."""
        await self.bot.delete_webhook(drop_pending_updates=False)
        await self.bot.set_my_commands(COMMANDS)
        self._polling = asyncio.create_task(
            self.dispatcher.start_polling(
                self.bot,
                handle_signals=False,
                close_bot_session=False,
                service=self.service,
            )
        )

    async def start(self) -> None:
        await self.start_service()
        await self.start_polling()

    def mount_webhook(self, app: web.Application, path: str, secret: str) -> None:
        """Updates posted to `path` (with the secret header) go to the dispatcher."""
        SimpleRequestHandler(
            dispatcher=self.dispatcher, bot=self.bot, secret_token=secret, service=self.service
        ).register(app, path=path)
        setup_application(app, self.dispatcher, bot=self.bot, service=self.service)

    async def announce_webhook(self, url: str, secret: str) -> None:
        await self.bot.set_my_commands(COMMANDS)
        await self.bot.set_webhook(
            url,
            secret_token=secret,
            allowed_updates=self.dispatcher.resolve_used_update_types(),
        )

    async def stop(self, grace: float | None = None) -> None:
        """Stop taking updates, let running ones finish within `grace` seconds, close all."""
        grace = self.container.settings.telegram.shutdown_grace_seconds if grace is None else grace
        if self._polling is not None:
            if not self._polling.done():
                await self.dispatcher.stop_polling()
            await self._polling
        await self.updates.guard.drain(grace)
        if self._warm_up is not None:
            await asyncio.gather(self._warm_up, return_exceptions=True)
        await self.metrics.stop_logging()
        await self.container.stop_background()
        await self.bot.session.close()
        await self.container.close()
