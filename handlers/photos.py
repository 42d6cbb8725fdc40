"""Photos: one photo (selfie report), an album (ranked), an image sent as a file, and videos;
the "Why <style>?" button under a photo or album report (its heat map)."""

from __future__ import annotations

import asyncio
import io
from collections.abc import Awaitable, Callable
from typing import Any

from aiogram import BaseMiddleware, Bot, F, Router
from aiogram.types import (
    BufferedInputFile,
    CallbackQuery,
    Document,
    InlineKeyboardMarkup,
    Message,
    PhotoSize,
    TelegramObject,
)
from aiogram.utils.chat_action import ChatActionSender

from handlers import texts
from handlers.keyboards import WhyStyleCB, why_style_keyboard
from handlers.ownership import OWN_ANSWER
from handlers.replies import StatusMessage, send_report
from reports.names import style_words
from service.app import DigService, Report

MAX_DOWNLOAD_BYTES = 20 * 1024 * 1024
"""Telegram lets bots download files up to 20 MB."""


class AlbumCollector(BaseMiddleware):
    """Telegram sends an album as separate messages sharing a media_group_id: gather them.

    The first message of a group waits until no other part has arrived for `latency` seconds,
    then the handler runs once with `album` (all of the group's messages, in order); the others
    stop here.
    """

    def __init__(self, latency: float = 1.0) -> None:
        self.latency = latency
        self._groups: dict[str, list[Message]] = {}

    async def __call__(
        self,
        handler: Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]],
        event: TelegramObject,
        data: dict[str, Any],
    ) -> Any:
        if not isinstance(event, Message) or event.media_group_id is None:
            return await handler(event, data)
        group = self._groups.get(event.media_group_id)
        if group is not None:
            group.append(event)
            return None
        group = self._groups[event.media_group_id] = [event]
        seen = 0
        while seen != len(group):  # wait until no new part arrived for `latency` seconds
            seen = len(group)
            await asyncio.sleep(self.latency)
        messages = self._groups.pop(event.media_group_id)
        data["album"] = sorted(messages, key=lambda m: m.message_id)
        return await handler(event, data)


class FileTooBig(Exception):
    user_message = (
        "That file is over 20 MB, more than Telegram lets me download. Send it as a photo instead."
    )


async def _download(bot: Bot, item: PhotoSize | Document) -> bytes:
    if item.file_size is not None and item.file_size > MAX_DOWNLOAD_BYTES:
        raise FileTooBig()
    buffer = await bot.download(item, destination=io.BytesIO())
    assert buffer is not None
    return buffer.read()


def _image_of(message: Message) -> PhotoSize | Document | None:
    if message.photo:
        return message.photo[-1]
    if message.document is not None:
        return message.document
    return None


async def album(
    message: Message, album: list[Message], bot: Bot, service: DigService, user_id: int
) -> None:
    items = [item for m in album if (item := _image_of(m)) is not None]
    if not items:
        await message.answer(texts.VIDEO)
        return
    limit = service.settings.analysis.max_album_photos
    if len(items) > limit:
        await message.answer(texts.TOO_MANY_PHOTOS.format(limit=limit))
        items = items[:limit]
    if len(items) == 1:
        await photo_report(bot, message.chat.id, user_id, await _download(bot, items[0]), service)
        return
    status = StatusMessage(bot, message.chat.id)
    await status.show(texts.WORKING_ALBUM.format(count=len(items)))
    async with ChatActionSender.upload_photo(bot=bot, chat_id=message.chat.id):
        photos = [await _download(bot, item) for item in items]
        report = await service.album_report(photos, user_id=user_id)
    await send_report(bot, message.chat.id, report, why_keyboard(report), status)


async def photo_report(
    bot: Bot, chat_id: int, user_id: int, data: bytes, service: DigService
) -> None:
    status = StatusMessage(bot, chat_id)
    await status.show(texts.WORKING_PHOTO)
    async with ChatActionSender.upload_photo(bot=bot, chat_id=chat_id):
        report = await service.photo_report(data, user_id=user_id)
    await send_report(bot, chat_id, report, why_keyboard(report), status)


def why_keyboard(report: Report) -> InlineKeyboardMarkup | None:
    offer = report.explain
    if offer is None:
        return None
    style = style_words(offer.style)
    label = (
        texts.WHY_BUTTON.format(style=style)
        if offer.position is None
        else texts.WHY_ALBUM_BUTTON.format(position=offer.position, style=style)
    )
    return why_style_keyboard(label, offer.token)


async def why_style(
    query: CallbackQuery, callback_data: WhyStyleCB, bot: Bot, service: DigService, user_id: int
) -> None:
    """The heat map of a kept photo; once the copy is gone (expired, /forget, or not this
    person's), the button says so. The query is answered first in every path, so the client's
    spinner stops even when the analysis is refused (busy) or fails."""
    kept = await service.kept_photo(user_id, callback_data.token)
    if kept is None or query.message is None:
        await query.answer(texts.PHOTO_GONE, show_alert=True)
        return
    await query.answer(texts.WHY_WORKING)
    chat_id = query.message.chat.id
    async with ChatActionSender.upload_photo(bot=bot, chat_id=chat_id):
        jpeg = await service.explain_photo(user_id, kept)
    await bot.send_photo(
        chat_id,
        BufferedInputFile(jpeg, "why.jpg"),
        caption=texts.WHY_CAPTION.format(style=style_words(kept.style)),
    )


async def photo(message: Message, bot: Bot, service: DigService, user_id: int) -> None:
    assert message.photo
    data = await _download(bot, message.photo[-1])
    await photo_report(bot, message.chat.id, user_id, data, service)


async def document(message: Message, bot: Bot, service: DigService, user_id: int) -> None:
    """A photo sent "as a file" is welcome; any other document is refused politely."""
    doc = message.document
    assert doc is not None
    mime = doc.mime_type or ""
    if not (mime.startswith("image/") or mime in ("", "application/octet-stream")):
        await message.answer(texts.NOT_AN_IMAGE_DOCUMENT)
        return
    data = await _download(bot, doc)
    if not service.is_image(data):
        await message.answer(texts.NOT_AN_IMAGE_DOCUMENT)
        return
    await photo_report(bot, message.chat.id, user_id, data, service)


async def video(message: Message) -> None:
    await message.answer(texts.VIDEO)


def make_router(album_latency: float = 1.0) -> Router:
    router = Router(name="photos")
    router.message.outer_middleware(AlbumCollector(album_latency))
    router.message.register(album, F.media_group_id)
    router.message.register(photo, F.photo)
    # Before documents: Telegram sends an animation with a `document` beside it.
    router.message.register(video, F.video | F.animation | F.video_note)
    router.message.register(document, F.document)
    router.callback_query.register(why_style, WhyStyleCB.filter(), flags=OWN_ANSWER)
    return router
