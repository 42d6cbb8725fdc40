"""The outbox's Sender over aiogram: Telegram's errors mapped to Blocked / TryLater / Refused.

It lives in bot/, not service/, so that service/ (and `digbot analyze`/`photo`, which send
nothing) never imports aiogram: its types take seconds of pydantic schema building to import.
"""

from __future__ import annotations

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
from aiogram.types import BufferedInputFile

from service.outbox import Blocked, Refused, Sender, TryLater


def telegram_sender(bot: Bot) -> Sender:
    """A Sender over an aiogram Bot, its errors mapped to Blocked / TryLater / Refused."""

    async def send(chat_id: int, text: str, photo: bytes | None) -> None:
        try:
            if photo is None:
                await bot.send_message(chat_id, text)
            else:
                file = BufferedInputFile(photo, "report.png")
                await bot.send_photo(chat_id, file, caption=text or None)
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
