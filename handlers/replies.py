"""Sending answers: the status line edited as work progresses, and a report's text and charts."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from handlers.chat import Chat, Keyboard, NotDelivered, Picture
from reports.split import CAPTION_LIMIT, MESSAGE_LIMIT, utf16_len
from service.app import Report
from service.pseudonyms import pseudonym
from service.queue import Enqueued, note_status

log = logging.getLogger(__name__)

MAX_ALBUM = 10

STATUS_DELAY = 0.7
"""Seconds an answer may take before a status line ("Looking at your photo…") is worth
showing. A selfie answered sooner goes out as one message: no status line, no deletion, no
"sending a photo…" (three Bot API requests of five, two of them counted against Telegram's
limits; benchmarks/bench_load.py counts them)."""


class StatusMessage:
    """One message that shows progress ("fetched 24 posts", "styles done"), edited in place."""

    def __init__(self, chat: Chat) -> None:
        self.chat = chat
        self.message_id: int | None = None
        self.lines: list[str] = []

    async def show(self, line: str) -> None:
        self.lines.append(line)
        text = "\n".join(self.lines)
        if self.message_id is None:
            self.message_id = await self.chat.send_text(text)
            note_status(self.message_id, self.lines)
            return
        await self.chat.edit_text(self.message_id, text)

    async def become(self, text: str, keyboard: Keyboard | None) -> bool:
        """Edit the status line into `text` (the answer); False when it cannot be: never shown,
        deleted by the person, or `text` longer than one message."""
        if self.message_id is None or utf16_len(text) > MESSAGE_LIMIT:
            return False
        try:
            await self.chat.edit_text(self.message_id, text, keyboard)
        except NotDelivered as error:
            log.info(
                "status line not edited into the answer in chat %s: %s",
                pseudonym(self.chat.chat_id),
                error,
            )
            return False
        return True

    async def delete(self) -> None:
        """Best effort: the answer is out, the status line has nothing left to say."""
        if self.message_id is None:
            return
        try:
            await self.chat.delete(self.message_id)
        except NotDelivered as error:
            log.info("status line not deleted in chat %s: %s", pseudonym(self.chat.chat_id), error)
        self.message_id = None

    @asynccontextmanager
    async def while_working(self, line: str, after: float) -> AsyncIterator[None]:
        """Run the block; once it has taken `after` seconds, show `line` and "sending a
        photo…" until it ends (0: the line at once, before the block). If the block fails,
        the status line it showed goes: the error's answer replaces it (the same chat whether
        or not it was slow), except for an analysis handed to a worker, which answers on it."""
        shown: asyncio.Task[None] | None = None

        async def indicate() -> None:
            nonlocal shown
            if after > 0:
                await asyncio.sleep(after)
                shown = asyncio.create_task(self._show_best_effort(line))
                await asyncio.shield(shown)
            async with self.chat.uploading_photo():
                await asyncio.Event().wait()  # until the block ends

        if after <= 0:
            await self.show(line)  # as before the delay existed: a 403 here stops the work
        indicator = asyncio.create_task(indicate())
        failed = False
        try:
            yield
        except Enqueued:
            raise
        except Exception:
            failed = True
            raise
        finally:
            await self._stop(indicator, shown)
            if failed:
                await self.delete()

    @staticmethod
    async def _stop(indicator: asyncio.Task[None], shown: asyncio.Task[None] | None) -> None:
        """Stop the indicator; a status line being sent is let finish (its id is needed)."""
        indicator.cancel()
        await asyncio.gather(indicator, return_exceptions=True)
        if shown is not None:
            await shown

    async def _show_best_effort(self, line: str) -> None:
        try:
            await self.show(line)
        except NotDelivered as error:
            log.info("status line not shown in chat %s: %s", pseudonym(self.chat.chat_id), error)

    async def progress(self, stage: str) -> None:
        """Best effort: a status line that cannot be shown (the person deleted the message)
        must not throw away the analysis it reports on."""
        try:
            await self.show(f"✓ {stage}")
        except NotDelivered as error:
            log.info("status line not updated in chat %s: %s", pseudonym(self.chat.chat_id), error)


async def send_report(
    chat: Chat,
    report: Report,
    keyboard: Keyboard | None = None,
    status: StatusMessage | None = None,
) -> None:
    """The charts and the text in as few messages as lose nothing (Telegram counts messages).

    One chart and a text that fits a caption (1,024): one photo, the text its caption, the
    buttons under it; the status line is then deleted. Otherwise the charts (one photo, or an
    album), then the status line is edited into the text with the buttons; without a status
    line, or when it cannot become the text, the text is a message of its own (split by the
    send path when over Telegram's limit) and the status line is deleted. Notes follow.
    """
    pictures = [Picture(n, image) for n, image in report.charts[:MAX_ALBUM]]
    if len(pictures) == 1 and utf16_len(report.text) <= CAPTION_LIMIT:
        await chat.send_photo(pictures[0], caption=report.text, keyboard=keyboard)
        if status is not None:
            await status.delete()
    else:
        if len(pictures) == 1:
            await chat.send_photo(pictures[0])
        elif pictures:
            await chat.send_album(pictures)
        if status is None or not await status.become(report.text, keyboard):
            await chat.send_text(report.text, keyboard)
            if status is not None:
                await status.delete()
    for note in report.notes:
        await chat.send_text(note)
