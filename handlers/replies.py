"""Sending answers: the status line edited as work progresses, and a report's text and charts."""

from __future__ import annotations

import logging

from aiogram import Bot
from aiogram.exceptions import TelegramAPIError
from aiogram.types import BufferedInputFile, InlineKeyboardMarkup, InputMediaPhoto, Message

from reports.split import CAPTION_LIMIT, MESSAGE_LIMIT, utf16_len
from service.app import Report
from service.pseudonyms import pseudonym
from service.queue import note_status

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
            note_status(self.message_id, self.lines)
            return
        # "message is not modified" is not an error: the session treats it as done.
        await self.bot.edit_message_text(
            text=text, chat_id=self.chat_id, message_id=self.message_id
        )

    async def become(self, text: str, keyboard: InlineKeyboardMarkup | None) -> bool:
        """Edit the status line into `text` (the answer); False when it cannot be: never shown,
        deleted by the person, or `text` longer than one message."""
        if self.message_id is None or utf16_len(text) > MESSAGE_LIMIT:
            return False
        try:
            await self.bot.edit_message_text(
                text=text, chat_id=self.chat_id, message_id=self.message_id, reply_markup=keyboard
            )
        except TelegramAPIError as error:
            log.info("status line not edited into the answer in chat %s: %s", self.chat_id, error)
            return False
        return True

    async def delete(self) -> None:
        """Best effort: the answer is out, the status line has nothing left to say."""
        if self.message_id is None:
            return
        try:
            await self.bot.delete_message(self.chat_id, self.message_id)
        except TelegramAPIError as error:
            log.info("status line not deleted in chat %s: %s", self.chat_id, error)
        self.message_id = None

    async def progress(self, stage: str) -> None:
        """Best effort: a status line that cannot be shown (the person deleted the message)
        must not throw away the analysis it reports on."""
        try:
            await self.show(f"✓ {stage}")
        except TelegramAPIError as error:
            log.info("status line not updated in chat %s: %s", pseudonym(self.chat_id), error)


async def send_report(
    bot: Bot,
    chat_id: int,
    report: Report,
    keyboard: InlineKeyboardMarkup | None = None,
    status: StatusMessage | None = None,
) -> None:
    """The charts and the text in as few messages as lose nothing (Telegram counts messages).

    One chart and a text that fits a caption (1,024): one photo, the text its caption, the
    buttons under it; the status line is then deleted. Otherwise the charts (one photo, or an
    album), then the status line is edited into the text with the buttons; without a status
    line, or when it cannot become the text, the text is a message of its own (split by the
    session when over Telegram's limit) and the status line is deleted. Notes follow.
    """
    pngs = report.charts[:MAX_ALBUM]
    if len(pngs) == 1 and utf16_len(report.text) <= CAPTION_LIMIT:
        name, png = pngs[0]
        await bot.send_photo(
            chat_id,
            BufferedInputFile(png, f"{name}.png"),
            caption=report.text,
            reply_markup=keyboard,
        )
        if status is not None:
            await status.delete()
    else:
        if len(pngs) == 1:
            name, png = pngs[0]
            await bot.send_photo(chat_id, BufferedInputFile(png, f"{name}.png"))
        elif pngs:
            await bot.send_media_group(
                chat_id,
                [
                    InputMediaPhoto(media=BufferedInputFile(png, f"{name}.png"))
                    for name, png in pngs
                ],
            )
        if status is None or not await status.become(report.text, keyboard):
            await bot.send_message(chat_id, report.text, reply_markup=keyboard)
            if status is not None:
                await status.delete()
    for note in report.notes:
        await bot.send_message(chat_id, note)


def first_name(message: Message) -> str:
    return message.from_user.first_name if message.from_user else ""
