"""What a conversation can do in the chat it answers, whichever runtime carries it.

The conversations in handlers/ talk to a `Chat` (send, edit, delete, photos, an album, a
document, "uploading…", download a file) and, for a button press, to a `Press` (answer it);
each runtime in bot/ implements both over its framework (aiogram, python-telegram-bot) and maps
its framework's errors to the two below, so no conversation knows which framework runs.
Keyboards are aiogram's `InlineKeyboardMarkup` used as plain data (built once in
`handlers.keyboards`); the python-telegram-bot runtime converts them button by button.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from dataclasses import dataclass
from typing import Protocol

from aiogram.types import InlineKeyboardMarkup as Keyboard

from reports.canvas import extension

__all__ = [
    "Chat",
    "ChatBlocked",
    "IncomingFile",
    "Keyboard",
    "NotDelivered",
    "Picture",
    "Press",
    "delivery_errors",
]


class NotDelivered(Exception):
    """Telegram refused the request (a message deleted meanwhile, a bad request, …)."""


class ChatBlocked(NotDelivered):
    """Telegram answered 403: the person blocked the bot (or a group removed it)."""


@asynccontextmanager
async def delivery_errors(
    blocked: type[Exception], refused: type[Exception]
) -> AsyncIterator[None]:
    """A framework's 403 (`blocked`) and other API errors (`refused`) as the conversations
    know them."""
    try:
        yield
    except blocked as error:
        raise ChatBlocked(getattr(error, "message", str(error))) from error
    except refused as error:
        raise NotDelivered(getattr(error, "message", str(error))) from error


@dataclass(frozen=True)
class Picture:
    name: str
    """A file name without extension, shown by some clients."""
    data: bytes
    """A JPEG or a PNG: its file name's extension follows the bytes."""

    @property
    def filename(self) -> str:
        return f"{self.name}.{extension(self.data)}"


@dataclass(frozen=True)
class IncomingFile:
    """A photo or document someone sent: enough to refuse it or download it."""

    file_id: str
    size: int | None
    mime: str | None = None


class Chat(Protocol):
    chat_id: int
    user_id: int

    async def send_text(self, text: str, keyboard: Keyboard | None = None) -> int:
        """Send a message (split by the send path when over Telegram's limit); its id."""

    async def edit_text(self, message_id: int, text: str, keyboard: Keyboard | None = None) -> None:
        """Edit a message's text (and buttons); an edit that changes nothing is not an error."""

    async def remove_keyboard(self, message_id: int) -> None: ...

    async def delete(self, message_id: int) -> None: ...

    async def send_photo(
        self, picture: Picture, caption: str | None = None, keyboard: Keyboard | None = None
    ) -> None: ...

    async def send_album(self, pictures: list[Picture]) -> None: ...

    async def send_document(self, data: bytes, filename: str, caption: str) -> None: ...

    def uploading_photo(self) -> AbstractAsyncContextManager[object]:
        """Shows "sending a photo…" in the chat while the block runs."""

    async def download(self, file: IncomingFile) -> bytes: ...


class Press(Protocol):
    """A button press, to be answered once (the client shows a spinner until then)."""

    async def answer(self, text: str | None = None, alert: bool = False) -> None: ...
