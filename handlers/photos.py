"""Photos: one photo (selfie report), an album (ranked), an image sent as a file, and videos;
the "Why <style>?" button under a photo or album report (its heat map)."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from typing import Generic, TypeVar

from handlers import texts
from handlers.chat import Chat, IncomingFile, Keyboard, Picture, Press
from handlers.keyboards import WhyStyleCB, why_style_keyboard
from handlers.replies import STATUS_DELAY, StatusMessage, send_report
from reports.names import style_words
from service.app import DigService, Report

MAX_DOWNLOAD_BYTES = 20 * 1024 * 1024
"""Telegram lets bots download files up to 20 MB."""

Part = TypeVar("Part")


class AlbumGatherer(Generic[Part]):
    """Telegram sends an album as separate messages sharing a media_group_id: gather them.

    The first part of a group waits until no other part has arrived for `latency` seconds,
    then `gather` returns the whole group (in arrival order) to it; the other parts get None.
    """

    def __init__(self, latency: float = 1.0) -> None:
        self.latency = latency
        self._groups: dict[str, list[Part]] = {}

    async def gather(self, group_id: str, part: Part) -> list[Part] | None:
        group = self._groups.get(group_id)
        if group is not None:
            group.append(part)
            return None
        group = self._groups[group_id] = [part]
        seen = 0
        while seen != len(group):  # wait until no new part arrived for `latency` seconds
            seen = len(group)
            await asyncio.sleep(self.latency)
        return self._groups.pop(group_id)


class FileTooBig(Exception):
    user_message = (
        "That file is over 20 MB, more than Telegram lets me download. Send it as a photo instead."
    )


async def _download(chat: Chat, file: IncomingFile) -> bytes:
    if file.size is not None and file.size > MAX_DOWNLOAD_BYTES:
        raise FileTooBig()
    return await chat.download(file)


async def album(chat: Chat, parts: Sequence[IncomingFile | None], service: DigService) -> None:
    """An album's parts in order; None for a part that is no image (a video)."""
    files = [file for file in parts if file is not None]
    if not files:
        await chat.send_text(texts.VIDEO)
        return
    limit = service.settings.analysis.max_album_photos
    if len(files) > limit:
        await chat.send_text(texts.TOO_MANY_PHOTOS.format(limit=limit))
        files = files[:limit]
    if len(files) == 1:
        await photo_report(chat, await _download(chat, files[0]), service)
        return
    status = StatusMessage(chat)
    await status.show(texts.WORKING_ALBUM.format(count=len(files)))
    async with chat.uploading_photo():
        photos = [await _download(chat, file) for file in files]
        report = await service.album_report(photos, user_id=chat.user_id)
    await send_report(chat, report, why_keyboard(report), status)


async def photo_report(chat: Chat, data: bytes, service: DigService) -> None:
    """The selfie report; its status line only if the answer is slow (STATUS_DELAY), or at
    once when a worker process answers (it edits the line shown here)."""
    status = StatusMessage(chat)
    after = 0 if service.hands_off else STATUS_DELAY
    async with status.while_working(texts.WORKING_PHOTO, after):
        report = await service.photo_report(data, user_id=chat.user_id)
    await send_report(chat, report, why_keyboard(report), status)


def why_keyboard(report: Report) -> Keyboard | None:
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


async def why_style(chat: Chat, press: Press, data: WhyStyleCB, service: DigService) -> None:
    """The heat map of a kept photo; once the copy is gone (expired, /forget, or not this
    person's), the button says so. The press is answered first in every path, so the client's
    spinner stops even when the analysis is refused (busy) or fails."""
    kept = await service.kept_photo(chat.user_id, data.token)
    if kept is None:
        await press.answer(texts.PHOTO_GONE, alert=True)
        return
    await press.answer(texts.WHY_WORKING)
    async with chat.uploading_photo():
        jpeg = await service.explain_photo(chat.user_id, kept)
    await chat.send_photo(
        Picture("why", jpeg), caption=texts.WHY_CAPTION.format(style=style_words(kept.style))
    )


async def photo(chat: Chat, file: IncomingFile, service: DigService) -> None:
    await photo_report(chat, await _download(chat, file), service)


async def document(chat: Chat, file: IncomingFile, service: DigService) -> None:
    """A photo sent "as a file" is welcome; any other document is refused politely."""
    mime = file.mime or ""
    if not (mime.startswith("image/") or mime in ("", "application/octet-stream")):
        await chat.send_text(texts.NOT_AN_IMAGE_DOCUMENT)
        return
    data = await _download(chat, file)
    if not service.is_image(data):
        await chat.send_text(texts.NOT_AN_IMAGE_DOCUMENT)
        return
    await photo_report(chat, data, service)


async def video(chat: Chat) -> None:
    await chat.send_text(texts.VIDEO)
