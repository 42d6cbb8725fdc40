"""Retrying a request through Telegram's bad moments, whichever framework sends it.

A 429 waits its `retry_after` and holds back every other request meanwhile (Telegram's flood
control is per bot); 5xx answers and dropped connections are retried with exponential backoff
and jitter. Everything else (400, 403, …) is the caller's to handle. Each runtime says which of
its framework's errors is which (`classify`).
"""

from __future__ import annotations

import asyncio
import logging
import random
import re
from collections import Counter
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, Literal, TypeVar

log = logging.getLogger(__name__)

T = TypeVar("T")

_URL = re.compile(r"\b[a-z][a-z0-9+.-]*://\S+", re.IGNORECASE)


def without_urls(message: str) -> str:
    """What went wrong, for a log line: never a request URL (it carries the bot token)."""
    return _URL.sub("<url>", message)


@dataclass(frozen=True)
class Retryable:
    cause: Literal["429", "5xx", "network"]
    retry_after: float = 0.0
    """For a 429: the seconds Telegram asked to wait."""
    message: str = ""


Classify = Callable[[BaseException], Retryable | None]


class RetryPolicy:
    def __init__(
        self,
        attempts: int = 8,
        base_delay: float = 0.25,
        max_delay: float = 30.0,
        rng: random.Random | None = None,
        sleep: Callable[[float], Awaitable[Any]] = asyncio.sleep,
    ) -> None:
        self.attempts = attempts
        self.base_delay = base_delay
        self.max_delay = max_delay
        self.retries = 0
        """How many requests were retried since start (an operator counter)."""
        self.retried: Counter[str] = Counter()
        """Retries by cause: '429', '5xx', 'network'."""
        self._rng = rng or random.Random()
        self._sleep = sleep
        self._open = asyncio.Event()
        self._open.set()

    def _backoff(self, attempt: int) -> float:
        ceiling = min(self.max_delay, self.base_delay * 2**attempt)
        return self._rng.uniform(ceiling / 2, ceiling)

    async def _hold_everyone(self, seconds: float) -> None:
        self._open.clear()
        try:
            await self._sleep(seconds)
        finally:
            self._open.set()

    async def run(self, call: Callable[[], Awaitable[T]], name: str, classify: Classify) -> T:
        """`call()` until it succeeds, fails for good, or the attempts run out."""
        for attempt in range(self.attempts):
            await self._open.wait()
            try:
                return await call()
            except Exception as error:
                retryable = classify(error)
                if retryable is None or attempt == self.attempts - 1:
                    raise
                self.retries += 1
                self.retried[retryable.cause] += 1
                if retryable.cause == "429":
                    log.warning("%s: 429, waiting %ss", name, retryable.retry_after)
                    if self._open.is_set():
                        await self._hold_everyone(retryable.retry_after)
                    continue
                delay = self._backoff(attempt)
                log.warning(
                    "%s: %s, retrying in %.2fs", name, without_urls(retryable.message), delay
                )
                await self._sleep(delay)
        raise AssertionError("unreachable")
