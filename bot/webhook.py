"""Webhook mode: Telegram pushes updates to our HTTPS endpoint, checked by a secret token;
each runtime mounts its own receiver (aiogram's request handler, or PTB's update queue)."""

from __future__ import annotations

import secrets
from typing import TYPE_CHECKING
from urllib.parse import urlparse

from aiohttp import web

from bot.settings import Settings

if TYPE_CHECKING:
    from bot.ptb_runtime import PtbRuntime
    from bot.runtime import BotRuntime


async def run_webhook(runtime: BotRuntime | PtbRuntime, settings: Settings) -> web.AppRunner:
    """Serve the webhook (and /health) and tell Telegram where it is; returns the runner."""
    secret = (
        settings.telegram.webhook_secret.get_secret_value()
        if settings.telegram.webhook_secret
        else secrets.token_urlsafe(32)
    )
    app = web.Application()
    path = urlparse(settings.telegram.webhook_url).path or "/"
    runtime.mount_webhook(app, path, secret)

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
    await runtime.announce_webhook(settings.telegram.webhook_url, secret)
    return runner
