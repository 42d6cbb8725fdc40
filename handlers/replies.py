"""Sending answers: the status line edited as work progresses, and a report's text and charts."""

from __future__ import annotations

import logging

from aiogram import Bot
from aiogram.exceptions import TelegramAPIError
from aiogram.types import BufferedInputFile, InlineKeyboardMarkup, InputMediaPhoto, Message

from service.app import Report
from service.pseudonyms import pseudonym

log = logging.getLogger(__name__)

MAX_ALBUM = 10


class StatusMessage:
    """One message that shows progress ("fetched 24 posts", "styles done"), edited in place."""

    def __init__(self, bot: Bot, chat_id: int) -> None:
        self.bot = bot
        self.chat_id = chat_id
        self.message_id: int | None = None
        self.lines: list[str] = []

    async def show(self, line: str) -> None:
        self.lines.append(line)
        text = "\n".join(self.lines)
        if self.message_id is None:
            self.message_id = (await self.bot.send_message(self.chat_id, text)).message_id
            return
        # "message is not modified" is not an error: the session treats it as done.
        await self.bot.edit_message_text(
            text=text, chat_id=self.chat_id, message_id=self.message_id
        )

    async def progress(self, stage: str) -> None:
        """Best effort: a status line that cannot be shown (the person deleted the message)
        must not throw away the analysis it reports on."""
        try:
            await self.show(f"✓ {stage}")
        except TelegramAPIError as error:
            log.info("status line not updated in chat %s: %s", pseudonym(self.chat_id), error)


async def send_report(
    bot: Bot, chat_id: int, report: Report, keyboard: InlineKeyboardMarkup | None = None
) -> None:
    """Charts first (one photo, or an album), then the text with the buttons under its end.

    A text over Telegram's limit is sent as several messages by the session (bot/session.py).
    """
    pngs = report.charts[:MAX_ALBUM]
    if len(pngs) == 1:
        name, png = pngs[0]
        await bot.send_photo(chat_id, BufferedInputFile(png, f"{name}.png"))
    elif pngs:
        await bot.send_media_group(
            chat_id,
            [InputMediaPhoto(media=BufferedInputFile(png, f"{name}.png")) for name, png in pngs],
        )
    await bot.send_message(chat_id, report.text, reply_markup=keyboard)
    for note in report.notes:
        await bot.send_message(chat_id, note)


def first_name(message: Message) -> str:
    return message.from_user.first_name if message.from_user else ""
