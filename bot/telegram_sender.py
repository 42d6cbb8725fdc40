"""The outbox's Sender over aiogram: Telegram's errors mapped to Blocked / TryLater / Refused.

It lives in bot/, not service/, so that service/ (and `digbot analyze`/`photo`, which send
nothing) never imports aiogram: its types take seconds of pydantic schema building to import.
"""

from __future__ import annotations

from collections.abc import Callable

from aiogram import Bot
from aiogram.exceptions import (
    TelegramAPIError,
    TelegramBadRequest,
    TelegramEntityTooLarge,
    TelegramForbiddenError,
    TelegramMigrateToChat,
    TelegramNetworkError,
    TelegramNotFound,
)
from aiogram.types import BufferedInputFile, InlineKeyboardMarkup

from service.subscriptions.outbox import Blocked, Refused, Sender, TryLater


def telegram_sender(
    bot: Bot, buttons: Callable[[str], InlineKeyboardMarkup] | None = None
) -> Sender:
    """A Sender over an aiogram Bot, its errors mapped to Blocked / TryLater / Refused;
    `buttons(username)` is the keyboard under a message about a profile (a change report)."""

    async def send(chat_id: int, text: str, photo: bytes | None, about: str | None = None) -> None:
        markup = buttons(about) if about is not None and buttons is not None else None
        try:
            if photo is None:
                await bot.send_message(chat_id, text, reply_markup=markup)
            else:
                file = BufferedInputFile(photo, "report.png")
                await bot.send_photo(chat_id, file, caption=text or None, reply_markup=markup)
        except TelegramForbiddenError as error:
            raise Blocked(str(error)) from error
        except (
            TelegramBadRequest,
            TelegramNotFound,
            TelegramEntityTooLarge,
            TelegramMigrateToChat,
        ) as error:  # this message can never go through as it is: do not let it hold the queue
            raise Refused(str(error)) from error
        except (TelegramAPIError, TelegramNetworkError) as error:
            raise TryLater(str(error)) from error

    return send
