"""Counters an operator can read: in the log every few minutes and on /health.

Events are counted here by whoever sees them (`count`); values other objects already keep (the
retries of the session, the analyses in flight) are read when asked (`watch`), so nothing is
counted twice. A snapshot is a flat JSON object of numbers.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections import Counter
from collections.abc import Callable, Iterable
from functools import partial

from bot.container import Container
from bot.pacing import Pacer
from bot.retries import RetryPolicy
from service.subscriptions.outbox import OUTCOMES
from service.subscriptions.scheduler import RUN_OUTCOMES

log = logging.getLogger("digbot.metrics")

UPDATE_COUNTS = ("updates", "refused", "errors")
"""What UpdateMiddleware counts: every update, the ones refused with a user_message, the failed."""


class Metrics:
    def __init__(
        self, counts: Iterable[str] = (), clock: Callable[[], float] = time.monotonic
    ) -> None:
        """`counts` names the counters shown (as 0) before their first event."""
        self._clock = clock
        self._started = clock()
        self._counts: Counter[str] = Counter(dict.fromkeys(counts, 0))
        self._watched: dict[str, Callable[[], float]] = {}
        self._logger: asyncio.Task[None] | None = None

    def count(self, name: str, amount: int = 1) -> None:
        self._counts[name] += amount

    def watch(self, name: str, read: Callable[[], float]) -> None:
        """Report `read()` under `name` in every snapshot."""
        self._watched[name] = read

    def snapshot(self) -> dict[str, float]:
        values: dict[str, float] = {"uptime_seconds": round(self._clock() - self._started, 1)}
        values.update(self._counts)
        values.update({name: read() for name, read in self._watched.items()})
        return values

    def line(self) -> str:
        """The snapshot as one log line: `name=value …`, names sorted."""
        return " ".join(f"{name}={value:g}" for name, value in sorted(self.snapshot().items()))

    def start_logging(self, every_seconds: float) -> None:
        """Log a snapshot every `every_seconds` until `stop_logging`."""
        if self._logger is None:
            self._logger = asyncio.create_task(self._log_every(every_seconds))

    async def stop_logging(self) -> None:
        if self._logger is not None:
            self._logger.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._logger
            self._logger = None
        log.info("metrics %s", self.line())

    async def _log_every(self, seconds: float) -> None:
        while True:
            await asyncio.sleep(seconds)
            log.info("metrics %s", self.line())


def runtime_metrics(
    container: Container, retry: RetryPolicy | None, pacer: Pacer | None
) -> Metrics:
    """Metrics that also read the analyses admitted/refused/in flight, the outbox's deliveries,
    the report runs, and the send path's retries and pacing (either runtime's)."""
    metrics = Metrics(counts=UPDATE_COUNTS)
    admission = container.admission
    for prefix, outcomes, names in (
        ("outbox", container.outbox.outcomes, OUTCOMES),
        ("report", container.scheduler.outcomes, RUN_OUTCOMES),
    ):
        for name in names:
            metrics.watch(f"{prefix}_{name}", partial(outcomes.__getitem__, name))
    metrics.watch("analyses", lambda: admission.started)
    metrics.watch("busy", lambda: admission.refused)
    metrics.watch("queue_depth", lambda: admission.in_flight)
    if retry is not None:
        metrics.watch("retries", lambda: retry.retries)
        for cause in ("429", "5xx", "network"):
            metrics.watch(f"retries_{cause}", partial(retry.retried.__getitem__, cause))
    if pacer is not None:
        metrics.watch("paced", lambda: pacer.paced)
    return metrics
