"""Outgoing requests that survive Telegram's bad moments, in one place.

A 429 waits its `retry_after` and holds back every other request meanwhile (Telegram's flood
control is per bot); 5xx answers and dropped connections are retried with exponential backoff
and jitter. Everything else (400, 403, …) is the caller's to handle.
"""

from __future__ import annotations

import asyncio
import logging
import random
from typing import TYPE_CHECKING, Any

from aiogram.client.session.middlewares.base import BaseRequestMiddleware, NextRequestMiddlewareType
from aiogram.exceptions import TelegramNetworkError, TelegramRetryAfter, TelegramServerError
from aiogram.methods import GetUpdates

if TYPE_CHECKING:
    from aiogram import Bot
    from aiogram.methods import Response, TelegramMethod

log = logging.getLogger(__name__)


class RetryMiddleware(BaseRequestMiddleware):
    def __init__(
        self,
        attempts: int = 8,
        base_delay: float = 0.25,
        max_delay: float = 30.0,
        rng: random.Random | None = None,
    ) -> None:
        self.attempts = attempts
        self.base_delay = base_delay
        self.max_delay = max_delay
        self.retries = 0
        """How many requests were retried since start (an operator counter)."""
        self._rng = rng or random.Random()
        self._open = asyncio.Event()
        self._open.set()

    def _backoff(self, attempt: int) -> float:
        ceiling = min(self.max_delay, self.base_delay * 2**attempt)
        return self._rng.uniform(ceiling / 2, ceiling)

    async def _hold_everyone(self, seconds: float) -> None:
        self._open.clear()
        try:
            await asyncio.sleep(seconds)
        finally:
            self._open.set()

    async def __call__(
        self,
        make_request: NextRequestMiddlewareType[Any],
        bot: Bot,
        method: TelegramMethod[Any],
    ) -> Response[Any]:
        if isinstance(method, GetUpdates):  # the dispatcher has its own backoff for polling
            return await make_request(bot, method)
        for attempt in range(self.attempts):
            await self._open.wait()
            try:
                return await make_request(bot, method)
            except TelegramRetryAfter as error:
                if attempt == self.attempts - 1:
                    raise
                log.warning("%s: 429, waiting %ss", type(method).__name__, error.retry_after)
                self.retries += 1
                if self._open.is_set():
                    await self._hold_everyone(error.retry_after)
            except (TelegramServerError, TelegramNetworkError) as error:
                if attempt == self.attempts - 1:
                    raise
                delay = self._backoff(attempt)
                log.warning("%s: %s, retrying in %.2fs", type(method).__name__, error, delay)
                self.retries += 1
                await asyncio.sleep(delay)
        raise AssertionError("unreachable")
