"""Reports written before they are sent, marked when Telegram accepts them.

A scheduled run writes its messages as `outbox` rows in the same transaction as its snapshot;
the delivery loop sends unsent rows in order and stamps `sent_at` as soon as Telegram accepts
each one. A crash, a restart or a Telegram outage (5xx, 429, no network) leaves the rows
unsent, and the loop tries again with backoff, after a restart too. A 403 means the person
blocked the bot: they are marked blocked and their rows wait until they come back. A 400 is
final: the row keeps the reason in `failed` and is not tried again. Rows nobody will send any
more (delivered, refused, or waiting for a person who blocked the bot) are deleted by the daily
retention pass once old (`storage.repositories.outbox.settled_before`); a row still to send
is never deleted.

Several processes may deliver one database's outbox: each pass claims the rows it will send
(`OutboxRepository.claim`), and the others skip them.

The one way to get a message twice: the process dies after Telegram accepted it and before
`sent_at` was written (a window of one database write).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections import Counter
from typing import Protocol

from storage.repositories.outbox import OutboxRepository

log = logging.getLogger(__name__)


class Blocked(Exception):
    """The person blocked the bot (Telegram's 403)."""


class TryLater(Exception):
    """Telegram is down, flooding us back, or unreachable: try the message again later."""


class Refused(Exception):
    """Telegram refused this message for good (a 400): never try it again."""


class Sender(Protocol):
    async def __call__(
        self, chat_id: int, text: str, photo: bytes | None, about: str | None = None
    ) -> None:
        """Send one message (a photo with `text` as its caption when `photo` is given); `about`:
        the profile a change report is about, for the buttons under it."""
        ...


OUTCOMES = ("sent", "refused", "blocked", "later")


class Outbox:
    def __init__(
        self,
        rows: OutboxRepository,
        *,
        poll_seconds: float = 30.0,
        max_backoff_seconds: float = 300.0,
    ) -> None:
        self.rows = rows
        self.poll_seconds = poll_seconds
        self.max_backoff_seconds = max_backoff_seconds
        self._wake = asyncio.Event()
        self._pass = asyncio.Lock()
        self._task: asyncio.Task[None] | None = None
        self.outcomes: Counter[str] = Counter()
        """Delivery tries since start by OUTCOMES (operator counters)."""

    def wake(self) -> None:
        """New rows or an unblocked person: deliver now rather than at the next poll."""
        self._wake.set()

    async def _record(self, row_id: int, outcome: BaseException | None) -> None:
        """Stamp `sent_at` (outcome None) or count the failed try and what it means."""
        if outcome is None:
            await self.rows.mark_sent(row_id)
        else:
            refused = str(outcome) if isinstance(outcome, Refused) else None
            await self.rows.mark_failed(
                row_id, refused=refused, blocked=isinstance(outcome, Blocked)
            )

    async def deliver_pending(self, send: Sender) -> bool:
        """One pass over the unsent rows; False when Telegram asked us to come back later."""
        async with self._pass:
            blocked: set[int] = set()
            for row_id in await self.rows.claim():
                row = await self.rows.get(row_id)
                if row is None or row.sent or row.user_id in blocked:
                    continue
                try:
                    await send(row.chat_id, row.text, row.photo, row.about)
                except TryLater as error:
                    log.warning("outbox: Telegram not taking messages (%s); will retry", error)
                    self.outcomes["later"] += 1
                    await self._record(row_id, error)
                    return False
                except (Blocked, Refused) as error:
                    log.info("outbox: message %d not delivered: %s", row_id, error)
                    self.outcomes["blocked" if isinstance(error, Blocked) else "refused"] += 1
                    await self._record(row_id, error)
                    if isinstance(error, Blocked):
                        blocked.add(row.user_id)
                    continue
                self.outcomes["sent"] += 1
                await self._record(row_id, None)
            return True

    async def _run(self, send: Sender) -> None:
        backoff = 0.0
        while True:
            try:
                delivered = await self.deliver_pending(send)
            except Exception:
                log.exception("outbox: delivery pass failed")
                delivered = False
            backoff = 0.0 if delivered else min(self.max_backoff_seconds, max(1.0, backoff * 2))
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), backoff or self.poll_seconds)
            self._wake.clear()

    def start(self, send: Sender) -> None:
        """Start the delivery loop; it delivers what a previous process left unsent first."""
        if self._task is None:
            self._task = asyncio.create_task(self._run(send), name="outbox")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None
