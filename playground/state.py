"""In-memory world of the playground: chats, messages, files, pending updates, callbacks.

Every change bumps a global revision number and wakes long-polls (getUpdates on the bot side,
the message feed on the person side). Message ids are counted per chat and shared by both
directions, as in a Telegram private chat.
"""

from __future__ import annotations

import asyncio
import contextlib
import io
import itertools
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Literal, TypeVar

from PIL import Image, UnidentifiedImageError

from playground.errors import bad_request, blocked

Sender = Literal["user", "bot"]
T = TypeVar("T")
THUMB_SIDE = 320  # photos larger than this also get a 320 px size, like Telegram's "m" size
# Update kinds Telegram delivers when allowed_updates is empty or never set.
DEFAULT_ALLOWED = frozenset(
    {"message", "edited_message", "callback_query", "my_chat_member", "channel_post"}
)


@dataclass
class StoredFile:
    file_id: str
    file_unique_id: str
    data: bytes
    file_path: str
    mime_type: str
    file_name: str | None = None
    photo_sizes: list[dict[str, Any]] | None = None  # every size of the photo it belongs to

    def as_document(self) -> dict[str, Any]:
        """The Bot API `Document` object."""
        return {
            "file_name": self.file_name or self.file_path.rpartition("/")[2],
            "mime_type": self.mime_type,
            "file_id": self.file_id,
            "file_unique_id": self.file_unique_id,
            "file_size": len(self.data),
        }

    def as_file(self) -> dict[str, Any]:
        """The Bot API `File` object."""
        return {
            "file_id": self.file_id,
            "file_unique_id": self.file_unique_id,
            "file_size": len(self.data),
            "file_path": self.file_path,
        }


@dataclass
class Message:
    chat_id: int
    message_id: int
    sender: Sender
    tg: dict[str, Any]  # the Bot API `Message` object, kept current through edits
    raw_text: str | None  # text or caption exactly as the sender gave it (HTML kept)
    parse_mode: str | None
    rev: int
    edited: bool = False
    deleted: bool = False


@dataclass
class Chat:
    id: int
    first_name: str
    messages: dict[int, Message] = field(default_factory=dict)
    last_message_id: int = 0
    blocked: bool = False
    typing_until: float = 0.0
    rev: int = 0  # last revision that touched this chat (message, edit, delete, typing, block)

    @property
    def user(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "is_bot": False,
            "first_name": self.first_name,
            "language_code": "en",
        }

    @property
    def as_chat(self) -> dict[str, Any]:
        return {"id": self.id, "type": "private", "first_name": self.first_name}

    @property
    def typing(self) -> bool:
        return time.monotonic() < self.typing_until

    def find(self, message_id: int | None) -> Message | None:
        message = self.messages.get(message_id) if message_id is not None else None
        return None if message is None or message.deleted else message


@dataclass
class CallbackRecord:
    id: str
    chat_id: int
    message_id: int
    data: str
    answered: bool = False
    text: str | None = None
    show_alert: bool = False

    def as_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "chat_id": self.chat_id,
            "message_id": self.message_id,
            "data": self.data,
            "answered": self.answered,
            "text": self.text,
            "show_alert": self.show_alert,
        }


class State:
    @property
    def bot_connected(self) -> bool:
        """Whether a bot has asked for updates yet (polling or a webhook): until then, the page
        says the bot is starting, and messages wait for it."""
        return self.polls > 0 or bool(self.webhook_url)

    def __init__(self, bot_user: dict[str, Any]) -> None:
        self.bot_user = bot_user
        self.chats: dict[int, Chat] = {}
        self.files: dict[str, StoredFile] = {}
        self.files_by_path: dict[str, StoredFile] = {}
        self.updates: list[dict[str, Any]] = []
        self.allowed_updates: frozenset[str] = DEFAULT_ALLOWED
        self.webhook_url = ""
        self.commands: list[dict[str, Any]] = []
        self.callbacks: dict[str, CallbackRecord] = {}
        self.rev = 0
        self.polls = 0  # getUpdates calls so far; a newer one supersedes a waiting one
        self.closing = False
        self._ids = itertools.count(1)
        self._update_ids = itertools.count(1)
        self._changed = asyncio.Event()

    # --- waiting -------------------------------------------------------------------------

    def notify(self) -> None:
        """Wake every long-poll; each re-checks its own condition."""
        self._changed.set()
        self._changed = asyncio.Event()

    async def wait_for(self, check: Callable[[], T], seconds: float) -> T:
        """Return check() once it is truthy, or its last value after `seconds`."""
        deadline = asyncio.get_running_loop().time() + seconds
        while True:
            result = check()
            remaining = deadline - asyncio.get_running_loop().time()
            if result or remaining <= 0 or self.closing:
                return result
            changed = self._changed
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(changed.wait(), remaining)

    def touch(self, chat: Chat) -> int:
        self.rev += 1
        chat.rev = self.rev
        self.notify()
        return self.rev

    # --- chats and messages --------------------------------------------------------------

    def person_chat(self, chat_id: int) -> Chat:
        """The chat a person writes in, created on first use."""
        if chat_id not in self.chats:
            self.chats[chat_id] = Chat(chat_id, first_name=f"User {chat_id}")
        return self.chats[chat_id]

    def bot_chat(self, chat_id: int | None) -> Chat:
        """The chat a bot call targets: 400 if nobody ever wrote there, 403 if blocked."""
        chat = self.chats.get(chat_id) if chat_id is not None else None
        if chat is None:
            raise bad_request("chat not found")
        if chat.blocked:
            raise blocked()
        return chat

    def add_message(
        self,
        chat: Chat,
        sender: Sender,
        content: dict[str, Any],
        raw_text: str | None = None,
        parse_mode: str | None = None,
    ) -> Message:
        chat.last_message_id += 1
        author = chat.user if sender == "user" else self.bot_user
        tg = {
            "message_id": chat.last_message_id,
            "from": author,
            "chat": chat.as_chat,
            "date": int(time.time()),
            **content,
        }
        if sender == "bot":
            chat.typing_until = 0.0  # a sent message ends the chat action, as in Telegram
        message = Message(chat.id, chat.last_message_id, sender, tg, raw_text, parse_mode, 0)
        chat.messages[message.message_id] = message
        message.rev = self.touch(chat)
        return message

    def change_message(self, message: Message) -> None:
        message.rev = self.touch(self.chats[message.chat_id])

    def new_media_group_id(self) -> str:
        return str(13_000_000_000_000_000 + next(self._ids))

    def new_callback(self, chat: Chat, message: Message, data: str) -> CallbackRecord:
        record = CallbackRecord(
            str(4_000_000_000_000_000 + next(self._ids)), chat.id, message.message_id, data
        )
        self.callbacks[record.id] = record
        return record

    # --- updates -------------------------------------------------------------------------

    def push_update(self, kind: str, payload: dict[str, Any]) -> None:
        self.updates.append({"update_id": next(self._update_ids), kind: payload})
        self.notify()

    def confirm_updates(self, offset: int) -> None:
        """getUpdates' offset: drop updates before it; a negative offset keeps the last -offset."""
        if offset < 0:
            self.updates = self.updates[offset:]
        else:
            self.updates = [u for u in self.updates if u["update_id"] >= offset]

    def pending_updates(self, limit: int) -> list[dict[str, Any]]:
        """Unconfirmed updates of the allowed kinds (each update has one key besides its id)."""
        allowed = [u for u in self.updates if (u.keys() - {"update_id"}) <= self.allowed_updates]
        return allowed[:limit]

    # --- files ---------------------------------------------------------------------------

    def store_file(
        self, data: bytes, folder: str, extension: str, mime_type: str, file_name: str | None = None
    ) -> StoredFile:
        n = next(self._ids)
        prefix = "AgAC" if folder == "photos" else "BQAC"
        stored = StoredFile(
            file_id=f"{prefix}pg{n:08d}",
            file_unique_id=f"AQADpg{n:08d}",
            data=data,
            file_path=f"{folder}/file_{n}.{extension}",
            mime_type=mime_type,
            file_name=file_name,
        )
        self.files[stored.file_id] = stored
        self.files_by_path[stored.file_path] = stored
        return stored

    def store_document(self, data: bytes, file_name: str, mime_type: str) -> StoredFile:
        extension = file_name.rpartition(".")[2] if "." in file_name else "bin"
        return self.store_file(data, "documents", extension, mime_type, file_name)

    def store_photo(self, data: bytes) -> list[dict[str, Any]]:
        """Store a picture; return its PhotoSize list (smallest first), as Telegram does."""
        try:
            with Image.open(io.BytesIO(data)) as image:
                image.load()
                width, height = image.size
                fmt = (image.format or "JPEG").lower()
                thumb = _thumbnail(image) if max(width, height) > THUMB_SIDE else None
        except (UnidentifiedImageError, Image.DecompressionBombError, OSError, ValueError) as exc:
            raise bad_request("IMAGE_PROCESS_FAILED") from exc
        if width + height > 10_000 or max(width, height) > 20 * min(width, height):
            raise bad_request("PHOTO_INVALID_DIMENSIONS")
        versions = [(*thumb, "jpg", "image/jpeg")] if thumb else []
        mime = Image.MIME.get(fmt.upper(), "image/jpeg")
        versions.append((data, (width, height), "jpg" if fmt == "jpeg" else fmt, mime))
        sizes: list[dict[str, Any]] = []
        stored_files = []
        for blob, (w, h), extension, mime_type in versions:
            stored = self.store_file(blob, "photos", extension, mime_type)
            sizes.append(
                {
                    "file_id": stored.file_id,
                    "file_unique_id": stored.file_unique_id,
                    "file_size": len(blob),
                    "width": w,
                    "height": h,
                }
            )
            stored_files.append(stored)
        for stored in stored_files:
            stored.photo_sizes = sizes
        return sizes


def _thumbnail(image: Image.Image) -> tuple[bytes, tuple[int, int]]:
    small = image.convert("RGB")
    small.thumbnail((THUMB_SIDE, THUMB_SIDE))
    out = io.BytesIO()
    small.save(out, "JPEG", quality=85)
    return out.getvalue(), small.size
