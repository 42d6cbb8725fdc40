"""Update middlewares: who is talking (injected as `user_id`), one log line per update, and a
polite answer instead of a crash when a handler fails."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable
from typing import Any

from aiogram import BaseMiddleware, Bot, Dispatcher
from aiogram.dispatcher.event.bases import UNHANDLED
from aiogram.exceptions import TelegramForbiddenError
from aiogram.types import TelegramObject, Update

from bot.metrics import UPDATE_COUNTS, Metrics
from handlers import texts
from service.app import DigService
from service.pseudonyms import pseudonym
from service.queue import Enqueued, answering

log = logging.getLogger("digbot.updates")

Handler = Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]]


def _user_message(error: BaseException) -> str | None:
    message = getattr(error, "user_message", None)
    return message if isinstance(message, str) else None


class HandlerName(BaseMiddleware):
    """Inner middleware: notes which handler took the update, for UpdateMiddleware's log line."""

    async def __call__(self, handler: Handler, event: TelegramObject, data: dict[str, Any]) -> Any:
        trace = data.get("trace")
        if isinstance(trace, dict):
            callback = getattr(data.get("handler"), "callback", None)
            trace["handler"] = getattr(callback, "__name__", "?")
        return await handler(event, data)


class UpdateMiddleware(BaseMiddleware):
    """Outer middleware on every update.

    Records the person (so /export and subscriptions know them), injects `user_id`, logs one
    structured line per update (id, handler outcome, duration; never the token or message
    text), and turns an exception into a reply: the error's own `user_message` when it has one
    (a bad username, a private profile, a broken photo, busy), else a generic apology.
    """

    def __init__(self, service: DigService, metrics: Metrics | None = None) -> None:
        self.service = service
        self.metrics = metrics or Metrics(counts=UPDATE_COUNTS)
        self.in_flight: set[asyncio.Task[Any]] = set()
        """Updates being handled now: a graceful shutdown waits for them (aiogram does not)."""

    def install(self, dispatcher: Dispatcher) -> None:
        """Wrap every update, and learn the name of the handler that takes each one."""
        dispatcher.update.outer_middleware(self)
        names = HandlerName()
        for observer in (dispatcher.message, dispatcher.callback_query, dispatcher.my_chat_member):
            observer.middleware(names)

    async def _blocked_meanwhile(
        self, chat_id: int | None, user_id: int | None, update_id: int
    ) -> None:
        """The chat refused the reply (a 403): in a private chat, the person blocked the bot
        while their update was handled.

        Expected, not an error: they are paused as the outbox pauses them (until they come
        back), and the reply is dropped on purpose. What was analysed stays stored like any
        analysis (/export shows it); sending it later, unasked, would surprise more than help.
        """
        if user_id is not None and chat_id == user_id:  # not a group that removed the bot
            await self.service.set_blocked(user_id, blocked=True)
        log.info("update %s: the person blocked the bot meanwhile; reply dropped", update_id)

    async def __call__(self, handler: Handler, event: TelegramObject, data: dict[str, Any]) -> Any:
        assert isinstance(event, Update)
        task = asyncio.current_task()
        if task is not None:
            self.in_flight.add(task)
            task.add_done_callback(self.in_flight.discard)
        started = time.perf_counter()
        # aiogram's UserContextMiddleware (outer, registered before this one) found them.
        chat, user = data.get("event_chat"), data.get("event_from_user")
        chat_id = chat.id if chat is not None else None
        user_id = user.id if user is not None else None
        outcome = "ok"
        trace: dict[str, str] = {}
        data["trace"] = trace  # shared with the inner HandlerName (aiogram copies `data` down)
        try:
            if user_id is not None and chat_id is not None and event.my_chat_member is None:
                language = None
                if event.message is not None and event.message.from_user is not None:
                    language = event.message.from_user.language_code
                await self.service.touch(user_id, chat_id, language)
            data["user_id"] = user_id
            with answering(str(event.update_id), chat_id or 0):
                result = await handler(event, data)
            if result is UNHANDLED:
                outcome = "unhandled"
            return result
        except Enqueued as handed:
            outcome = f"queued:{handed}"  # a worker replies
            return None
        except TelegramForbiddenError:
            outcome = "blocked"
            await self._blocked_meanwhile(chat_id, user_id, event.update_id)
            return None
        except Exception as error:
            reply = _user_message(error)
            outcome = (
                f"refused:{type(error).__name__}" if reply else f"error:{type(error).__name__}"
            )
            self.metrics.count("refused" if reply else "errors")
            if reply is None:
                log.exception("update %s failed (chat %s)", event.update_id, pseudonym(chat_id))
            bot: Bot = data["bot"]
            if chat_id is not None:
                try:
                    await bot.send_message(chat_id, reply or texts.FAILED)
                except Exception:
                    log.exception(
                        "could not tell chat about the failure of update %s", event.update_id
                    )
            return None
        finally:
            self.metrics.count("updates")
            log.info(
                "update id=%s type=%s handler=%s chat=%s outcome=%s duration_ms=%.0f",
                event.update_id,
                event.event_type,
                trace.get("handler", "-"),
                pseudonym(chat_id),
                outcome,
                (time.perf_counter() - started) * 1000,
            )
