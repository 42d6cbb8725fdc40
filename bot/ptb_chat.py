"""`handlers.chat.Chat` and `Press` over python-telegram-bot: a Bot and the chat an update came
from; the keyboards (aiogram's markup, used as data) converted button by button."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from contextlib import AbstractAsyncContextManager, asynccontextmanager

from telegram import Bot, CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, InputMediaPhoto
from telegram.constants import ChatAction
from telegram.error import Forbidden, TelegramError

from handlers.chat import IncomingFile, Keyboard, Picture, delivery_errors

ACTION_SECONDS = 5.0


def _delivered() -> AbstractAsyncContextManager[None]:
    return delivery_errors(Forbidden, TelegramError)


def ptb_keyboard(keyboard: Keyboard | None) -> InlineKeyboardMarkup | None:
    if keyboard is None:
        return None
    return InlineKeyboardMarkup(
        [
            [InlineKeyboardButton(b.text, callback_data=b.callback_data) for b in row]
            for row in keyboard.inline_keyboard
        ]
    )


class PtbChat:
    def __init__(self, bot: Bot, chat_id: int, user_id: int) -> None:
        self.bot = bot
        self.chat_id = chat_id
        self.user_id = user_id

    async def send_text(self, text: str, keyboard: Keyboard | None = None) -> int:
        async with _delivered():
            sent = await self.bot.send_message(
                self.chat_id, text, reply_markup=ptb_keyboard(keyboard)
            )
        return sent.message_id

    async def edit_text(self, message_id: int, text: str, keyboard: Keyboard | None = None) -> None:
        async with _delivered():
            await self.bot.edit_message_text(
                text,
                chat_id=self.chat_id,
                message_id=message_id,
                reply_markup=ptb_keyboard(keyboard),
            )

    async def remove_keyboard(self, message_id: int) -> None:
        async with _delivered():
            await self.bot.edit_message_reply_markup(chat_id=self.chat_id, message_id=message_id)

    async def delete(self, message_id: int) -> None:
        async with _delivered():
            await self.bot.delete_message(self.chat_id, message_id)

    async def send_photo(
        self, picture: Picture, caption: str | None = None, keyboard: Keyboard | None = None
    ) -> None:
        async with _delivered():
            await self.bot.send_photo(
                self.chat_id,
                picture.data,
                caption=caption,
                filename=picture.filename,
                reply_markup=ptb_keyboard(keyboard),
            )

    async def send_album(self, pictures: list[Picture]) -> None:
        async with _delivered():
            await self.bot.send_media_group(
                self.chat_id, [InputMediaPhoto(p.data, filename=p.filename) for p in pictures]
            )

    async def send_document(self, data: bytes, filename: str, caption: str) -> None:
        async with _delivered():
            await self.bot.send_document(self.chat_id, data, filename=filename, caption=caption)

    @asynccontextmanager
    async def _uploading(self) -> AsyncIterator[object]:
        """ "sending a photo…" every 5 s while the block runs (as aiogram's ChatActionSender:
        Telegram shows an action for ~5 s); a failed action is dropped by the send path."""

        async def repeat() -> None:
            while True:
                await self.bot.send_chat_action(self.chat_id, ChatAction.UPLOAD_PHOTO)
                await asyncio.sleep(ACTION_SECONDS)

        task = asyncio.create_task(repeat())
        try:
            yield None
        finally:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task

    def uploading_photo(self) -> AbstractAsyncContextManager[object]:
        return self._uploading()

    async def download(self, file: IncomingFile) -> bytes:
        async with _delivered():
            found = await self.bot.get_file(file.file_id)
            return bytes(await found.download_as_bytearray())


class PtbPress:
    def __init__(self, query: CallbackQuery) -> None:
        self.query = query

    async def answer(self, text: str | None = None, alert: bool = False) -> None:
        async with _delivered():
            await self.query.answer(text, show_alert=alert)
