"""aiogram's update middlewares: every update through `bot.updates.UpdateGuard` (who is
talking, one log line, a polite answer instead of a crash), and the name of the handler that
took it."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from aiogram import BaseMiddleware, Bot, Dispatcher
from aiogram.dispatcher.event.bases import UNHANDLED
from aiogram.exceptions import TelegramForbiddenError
from aiogram.types import TelegramObject, Update

from bot.metrics import Metrics
from bot.updates import UNHANDLED as NOTHING_TOOK_IT
from bot.updates import Incoming, UpdateGuard
from handlers.chat import ChatBlocked
from service.app import DigService

Handler = Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]]


class HandlerName(BaseMiddleware):
    """Inner middleware: notes which handler took the update, for the guard's log line."""

    async def __call__(self, handler: Handler, event: TelegramObject, data: dict[str, Any]) -> Any:
        trace = data.get("trace")
        if isinstance(trace, dict):
            callback = getattr(data.get("handler"), "callback", None)
            trace["handler"] = getattr(callback, "__name__", "?")
        return await handler(event, data)


class UpdateMiddleware(BaseMiddleware):
    """Outer middleware on every update: the update runs inside the guard."""

    def __init__(self, service: DigService, metrics: Metrics | None = None) -> None:
        self.guard = UpdateGuard(service, metrics, blocked=(ChatBlocked, TelegramForbiddenError))
        self.in_flight = self.guard.in_flight

    def install(self, dispatcher: Dispatcher) -> None:
        """Wrap every update, and learn the name of the handler that takes each one."""
        dispatcher.update.outer_middleware(self)
        names = HandlerName()
        for observer in (dispatcher.message, dispatcher.callback_query, dispatcher.my_chat_member):
            observer.middleware(names)

    async def __call__(self, handler: Handler, event: TelegramObject, data: dict[str, Any]) -> Any:
        assert isinstance(event, Update)
        # aiogram's UserContextMiddleware (outer, registered before this one) found them.
        incoming = Incoming.of(
            event.update_id,
            event.event_type,
            data.get("event_chat"),
            data.get("event_from_user"),
            event.message,
            membership=event.my_chat_member is not None,
        )
        bot: Bot = data["bot"]

        async def handle(trace: dict[str, str]) -> Any:
            data["trace"] = trace  # shared with the inner HandlerName (aiogram copies `data`)
            data["user_id"] = incoming.user_id
            result = await handler(event, data)
            return NOTHING_TOOK_IT if result is UNHANDLED else result

        async def tell(chat_id: int, text: str) -> None:
            await bot.send_message(chat_id, text)

        return await self.guard.run(incoming, handle, tell)
