"""bot.webhook: updates behind the secret, the counters on /health and in the shutdown log.

The playground stands in for Telegram (setWebhook, setMyCommands); the test posts an update
to the webhook itself, as Telegram would. No analyzer models are loaded.
"""

from __future__ import annotations

import logging
import socket
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import aiohttp
import pytest
from aiohttp import web
from pydantic import SecretStr

from analyzers.pipeline import LoadedAnalyzers
from bot.container import Container
from bot.ptb_runtime import PtbRuntime
from bot.runtime import BotRuntime
from bot.runtimes import RUNTIMES, make_runtime
from bot.settings import Settings
from bot.webhook import run_webhook
from playground import Playground
from playground.client import PlaygroundClient

SECRET = "webhook-secret-for-the-test"
PATH = "/telegram/hook"
CHAT = 4242


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@dataclass
class Webhook:
    base: str
    token: str
    runtime: BotRuntime | PtbRuntime
    runner: web.AppRunner
    http: aiohttp.ClientSession
    telegram: PlaygroundClient
    stopped: bool = False

    async def stop(self) -> None:
        """Shut down as `digbot run` does: the webhook server, then the runtime."""
        if not self.stopped:
            self.stopped = True
            await self.runner.cleanup()
            await self.runtime.stop(grace=5)

    async def health(self) -> tuple[dict[str, Any], str]:
        async with self.http.get(f"{self.base}/health") as response:
            assert response.status == 200
            body = await response.text()
            return await response.json(), body

    async def post_update(self, update: dict[str, Any], secret: str = SECRET) -> int:
        headers = {"X-Telegram-Bot-Api-Secret-Token": secret}
        async with self.http.post(f"{self.base}{PATH}", json=update, headers=headers) as response:
            return response.status


@pytest.fixture(params=RUNTIMES)
async def webhook(request: pytest.FixtureRequest, settings: Settings) -> AsyncIterator[Webhook]:
    """The webhook of each runtime in turn."""
    playground = Playground(port=0)
    await playground.start()
    playground.state.person_chat(CHAT)  # somebody wrote to the bot: it may answer there
    port = _free_port()
    hooked = settings.model_copy(
        update={
            "telegram": settings.telegram.model_copy(
                update={
                    "mode": "webhook",
                    "webhook_url": f"https://bot.example{PATH}",
                    "webhook_secret": SecretStr(SECRET),
                    "webhook_port": port,
                }
            )
        }
    )
    service = Container(hooked, analyzers=LoadedAnalyzers())
    runtime = make_runtime(request.param, service, playground.token, playground.base_url)
    await runtime.start_service()
    runner = await run_webhook(runtime, hooked)
    http, telegram = aiohttp.ClientSession(), PlaygroundClient(playground.base_url)
    hook = Webhook(f"http://127.0.0.1:{port}", playground.token, runtime, runner, http, telegram)
    try:
        yield hook
    finally:
        await telegram.close()
        await http.close()
        await hook.stop()
        await playground.stop()


def _message(update_id: int, text: str) -> dict[str, Any]:
    chat = {"id": CHAT, "type": "private", "first_name": "Ada"}
    return {
        "update_id": update_id,
        "message": {
            "message_id": update_id,
            "date": 1_790_000_000,
            "chat": chat,
            "from": {"id": CHAT, "is_bot": False, "first_name": "Ada"},
            "text": text,
        },
    }


async def test_health_shows_the_counters_and_shutdown_logs_them(
    webhook: Webhook, caplog: pytest.LogCaptureFixture
) -> None:
    before, _ = await webhook.health()
    assert before["ok"] is True and before["updates"] == 0 and before["errors"] == 0
    assert {"retries", "retries_429", "analyses", "busy", "queue_depth", "paced"} <= set(before)
    assert {"outbox_sent", "outbox_blocked", "report_runs", "report_jobs_repaired"} <= set(before)

    assert await webhook.post_update(_message(1, "/help")) == 200
    assert await webhook.post_update(_message(2, "/help"), secret="wrong") == 401
    answer = await webhook.telegram.wait_for(CHAT, lambda m: len(m) >= 1)
    assert "/privacy" in answer[0]["text"]  # the help, answered through the webhook
    after, body = await webhook.health()
    assert after["updates"] == 1 and after["errors"] == 0  # only the one behind the secret
    assert all(isinstance(v, int | float) for k, v in after.items() if k != "ok")
    assert webhook.token not in body and webhook.token.split(":")[1] not in body
    assert SECRET not in body

    with caplog.at_level(logging.INFO, logger="digbot.metrics"):
        await webhook.stop()
    lines = [r.getMessage() for r in caplog.records if r.name == "digbot.metrics"]
    assert len(lines) == 1 and "updates=1 " in lines[0] and " errors=0 " in lines[0]
    assert webhook.token.split(":")[1] not in lines[0]
