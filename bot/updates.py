"""What every update goes through, whichever runtime received it.

Records the person (so /export and subscriptions know them), logs one structured line per
update (id, handler, outcome, duration; never the token or message text), counts it, keeps the
running ones for a graceful shutdown, and turns an exception into a reply: the error's own
`user_message` when it has one (a bad username, a private profile, a broken photo, busy), else a
generic apology. A 403 while answering means the person blocked the bot meanwhile.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from bot.metrics import UPDATE_COUNTS, Metrics
from handlers import texts
from handlers.chat import ChatBlocked, IncomingFile
from service.app import DigService
from service.pseudonyms import pseudonym
from service.queue import Enqueued, answering

log = logging.getLogger("digbot.updates")

UNHANDLED = "unhandled"


@dataclass(frozen=True)
class Incoming:
    """An update as the guard needs it, whichever framework parsed it."""

    update_id: int
    kind: str
    chat_id: int | None
    user_id: int | None
    language: str | None = None
    membership: bool = False
    """A change of the bot's membership (blocked, unblocked): not the person talking."""

    @classmethod
    def of(
        cls, update_id: int, kind: str, chat: Any, user: Any, message: Any, membership: bool
    ) -> Incoming:
        """From either framework's objects (their chat, user and message share these names)."""
        sender = getattr(message, "from_user", None)
        return cls(
            update_id=update_id,
            kind=kind,
            chat_id=chat.id if chat is not None else None,
            user_id=user.id if user is not None else None,
            language=sender.language_code if sender is not None else None,
            membership=membership,
        )


def image_in(message: Any) -> IncomingFile | None:
    """The image a message carries (a photo's largest size, or a document), from either
    framework's Message (they share these names)."""
    if message.photo:
        largest = message.photo[-1]
        return IncomingFile(largest.file_id, largest.file_size)
    if message.document is not None:
        doc = message.document
        return IncomingFile(doc.file_id, doc.file_size, doc.mime_type)
    return None


def _user_message(error: BaseException) -> str | None:
    message = getattr(error, "user_message", None)
    return message if isinstance(message, str) else None


class UpdateGuard:
    def __init__(
        self,
        service: DigService,
        metrics: Metrics | None = None,
        blocked: tuple[type[BaseException], ...] = (ChatBlocked,),
    ) -> None:
        self.service = service
        self.metrics = metrics or Metrics(counts=UPDATE_COUNTS)
        self.blocked = blocked
        """The errors that mean "403: this chat refuses the bot" (each framework has its own)."""
        self.in_flight: set[asyncio.Task[Any]] = set()
        """Updates being handled now: a graceful shutdown waits for them."""

    async def drain(self, grace: float) -> None:
        """Let the updates being handled finish within `grace` seconds; cancel the late."""
        pending = set(self.in_flight)
        if not pending:
            return
        log.info("waiting up to %.0fs for %d running updates", grace, len(pending))
        _, late = await asyncio.wait(pending, timeout=grace)
        for task in late:
            task.cancel()
        if late:
            log.warning("cancelled %d updates still running after %.0fs", len(late), grace)
            await asyncio.wait(late)

    async def _blocked_meanwhile(self, incoming: Incoming) -> None:
        """The chat refused the reply (a 403): in a private chat, the person blocked the bot
        while their update was handled.

        Expected, not an error: they are paused as the outbox pauses them (until they come
        back), and the reply is dropped on purpose. What was analysed stays stored like any
        analysis (/export shows it); sending it later, unasked, would surprise more than help.
        """
        user_id = incoming.user_id
        if user_id is not None and incoming.chat_id == user_id:  # not a group that removed us
            await self.service.set_blocked(user_id, blocked=True)
        log.info(
            "update %s: the person blocked the bot meanwhile; reply dropped", incoming.update_id
        )

    async def run(
        self,
        incoming: Incoming,
        handle: Callable[[dict[str, str]], Awaitable[Any]],
        tell: Callable[[int, str], Awaitable[Any]],
    ) -> Any:
        """`handle(trace)` the update (it may note `trace["handler"]`; returning UNHANDLED
        means nothing took it); `tell(chat_id, text)` sends the apology when it fails."""
        task = asyncio.current_task()
        if task is not None:
            self.in_flight.add(task)
            task.add_done_callback(self.in_flight.discard)
        started = time.perf_counter()
        chat_id, user_id = incoming.chat_id, incoming.user_id
        outcome = "ok"
        trace: dict[str, str] = {}
        try:
            if user_id is not None and chat_id is not None and not incoming.membership:
                await self.service.touch(user_id, chat_id, incoming.language)
            with answering(str(incoming.update_id), chat_id or 0):
                result = await handle(trace)
            if result is UNHANDLED:
                outcome = "unhandled"
            return result
        except Enqueued as handed:
            outcome = f"queued:{handed}"  # a worker replies
            return None
        except self.blocked:
            outcome = "blocked"
            await self._blocked_meanwhile(incoming)
            return None
        except Exception as error:
            reply = _user_message(error)
            outcome = (
                f"refused:{type(error).__name__}" if reply else f"error:{type(error).__name__}"
            )
            self.metrics.count("refused" if reply else "errors")
            if reply is None:
                log.exception("update %s failed (chat %s)", incoming.update_id, pseudonym(chat_id))
            if chat_id is not None:
                try:
                    await tell(chat_id, reply or texts.FAILED)
                except Exception:
                    log.exception(
                        "could not tell chat about the failure of update %s", incoming.update_id
                    )
            return None
        finally:
            self.metrics.count("updates")
            log.info(
                "update id=%s type=%s handler=%s chat=%s outcome=%s duration_ms=%.0f",
                incoming.update_id,
                incoming.kind,
                trace.get("handler", "-"),
                pseudonym(chat_id),
                outcome,
                (time.perf_counter() - started) * 1000,
            )
