"""A button acts only for the person it was shown to.

In a group anyone can press any button, and a modified client can forge a press; a button that
acts for a person carries their user id (`owner`, see `handlers.keyboards`). This inner
middleware on every callback query compares it with the presser: anyone else gets a short
answer and nothing happens. Buttons without an owner (none act for a person) pass.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from aiogram import BaseMiddleware
from aiogram.types import CallbackQuery, TelegramObject

from handlers import texts

OWN_ANSWER = {"callback_answer": {"disabled": True}}
"""Handler flags: this handler answers its press itself, with a text (the automatic answer,
CallbackAnswerMiddleware, stays off for it)."""


class OwnButtonsOnly(BaseMiddleware):
    async def __call__(
        self,
        handler: Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]],
        event: TelegramObject,
        data: dict[str, Any],
    ) -> Any:
        owner = getattr(data.get("callback_data"), "owner", None)
        if isinstance(event, CallbackQuery) and owner is not None and owner != event.from_user.id:
            await event.answer(texts.NOT_YOUR_BUTTON, show_alert=True)
            return None
        return await handler(event, data)
