"""`handlers.chat.Chat` and `Press` over aiogram: a Bot and the chat an update came from."""

from __future__ import annotations

import io
from contextlib import AbstractAsyncContextManager

from aiogram import Bot
from aiogram.exceptions import TelegramAPIError, TelegramForbiddenError
from aiogram.types import BufferedInputFile, CallbackQuery, InputMediaPhoto
from aiogram.utils.chat_action import ChatActionSender

from handlers.chat import IncomingFile, Keyboard, Picture, delivery_errors


def _delivered() -> AbstractAsyncContextManager[None]:
    return delivery_errors(TelegramForbiddenError, TelegramAPIError)


def _file(picture: Picture) -> BufferedInputFile:
    return BufferedInputFile(picture.data, picture.filename)


class AiogramChat:
    def __init__(self, bot: Bot, chat_id: int, user_id: int) -> None:
        self.bot = bot
        self.chat_id = chat_id
        self.user_id = user_id

    async def send_text(self, text: str, keyboard: Keyboard | None = None) -> int:
        async with _delivered():
            sent = await self.bot.send_message(self.chat_id, text, reply_markup=keyboard)
        return sent.message_id

    async def edit_text(self, message_id: int, text: str, keyboard: Keyboard | None = None) -> None:
        async with _delivered():
            await self.bot.edit_message_text(
                text=text, chat_id=self.chat_id, message_id=message_id, reply_markup=keyboard
            )

    async def remove_keyboard(self, message_id: int) -> None:
        async with _delivered():
            await self.bot.edit_message_reply_markup(
                chat_id=self.chat_id, message_id=message_id, reply_markup=None
            )

    async def delete(self, message_id: int) -> None:
        async with _delivered():
            await self.bot.delete_message(self.chat_id, message_id)

    async def send_photo(
        self, picture: Picture, caption: str | None = None, keyboard: Keyboard | None = None
    ) -> None:
        async with _delivered():
            await self.bot.send_photo(
                self.chat_id, _file(picture), caption=caption, reply_markup=keyboard
            )

    async def send_album(self, pictures: list[Picture]) -> None:
        async with _delivered():
            await self.bot.send_media_group(
                self.chat_id, [InputMediaPhoto(media=_file(p)) for p in pictures]
            )

    async def send_document(self, data: bytes, filename: str, caption: str) -> None:
        async with _delivered():
            await self.bot.send_document(
                self.chat_id, BufferedInputFile(data, filename), caption=caption
            )

    def uploading_photo(self) -> AbstractAsyncContextManager[object]:
        return ChatActionSender.upload_photo(bot=self.bot, chat_id=self.chat_id)

    async def download(self, file: IncomingFile) -> bytes:
        async with _delivered():
            buffer = await self.bot.download(file.file_id, destination=io.BytesIO())
        assert buffer is not None
        return buffer.read()


class AiogramPress:
    def __init__(self, query: CallbackQuery) -> None:
        self.query = query

    async def answer(self, text: str | None = None, alert: bool = False) -> None:
        async with _delivered():
            await self.query.answer(text, show_alert=alert)
