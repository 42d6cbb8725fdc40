"""Webhook mode: Telegram pushes updates to our HTTPS endpoint, checked by a secret token."""

from __future__ import annotations

import secrets
from urllib.parse import urlparse

from aiogram.webhook.aiohttp_server import SimpleRequestHandler, setup_application
from aiohttp import web

from bot.runtime import COMMANDS, BotRuntime
from bot.settings import Settings


async def run_webhook(runtime: BotRuntime, settings: Settings) -> web.AppRunner:
    """Serve the webhook (and /health) and tell Telegram where it is; returns the runner."""
    secret = (
        settings.telegram.webhook_secret.get_secret_value()
        if settings.telegram.webhook_secret
        else secrets.token_urlsafe(32)
    )
    app = web.Application()
    path = urlparse(settings.telegram.webhook_url).path or "/"
    SimpleRequestHandler(
        dispatcher=runtime.dispatcher, bot=runtime.bot, secret_token=secret, service=runtime.service
    ).register(app, path=path)
    setup_application(app, runtime.dispatcher, bot=runtime.bot, service=runtime.service)

    async def health(_: web.Request) -> web.Response:
        return web.json_response(
            {
                "ok": True,
                "in_flight": len(runtime.updates.in_flight),
                **runtime.metrics.snapshot(),
            }
        )

    app.router.add_get("/health", health)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    await web.TCPSite(
        runner, settings.telegram.webhook_host, settings.telegram.webhook_port
    ).start()
    await runtime.bot.set_my_commands(COMMANDS)
    await runtime.bot.set_webhook(
        settings.telegram.webhook_url,
        secret_token=secret,
        allowed_updates=runtime.dispatcher.resolve_used_update_types(),
    )
    return runner
