"""The person side: a JSON API to write to the bot, press its buttons, block it, and read the chat.

Message views (what GET /api/chats/{id}/messages lists) are
    {message_id, sender: "user"|"bot", text (text or caption, as sent: HTML kept), parse_mode,
     photos: [URL], document: {file_name, mime_type, url} | null, buttons: [[{text,
     callback_data | url}]], media_group_id, reply_to, edited, date}.
Deleted messages disappear from listings; a `since=<rev>` listing names them under "deleted".
"""

from __future__ import annotations

import copy
import time
from typing import Any

from aiohttp import web

from playground.errors import (
    MAX_ALBUM,
    MAX_FILE_UPLOAD,
    ApiError,
    bad_request,
    too_large,
)
from playground.faults import FaultRule, Faults
from playground.params import Upload
from playground.parse_mode import Formatted, check_caption, check_text
from playground.state import Chat, Message, State

MAX_POLL_SECONDS = 60.0


def view(message: Message) -> dict[str, Any]:
    """A message as the web page and tests see it."""
    tg = message.tg
    document = tg.get("document") or tg.get("video")  # a video shows as its file
    reply = tg.get("reply_to_message")
    return {
        "message_id": message.message_id,
        "sender": message.sender,
        "text": message.raw_text,
        "parse_mode": message.parse_mode,
        "photos": [file_url(tg["photo"][-1]["file_id"])] if "photo" in tg else [],
        "document": None
        if document is None
        else {
            "file_name": document["file_name"],
            "mime_type": document["mime_type"],
            "url": file_url(document["file_id"]),
        },
        "buttons": [
            [
                {"text": b["text"], **{k: b[k] for k in ("callback_data", "url") if k in b}}
                for b in row
            ]
            for row in tg.get("reply_markup", {}).get("inline_keyboard", [])
        ],
        "media_group_id": tg.get("media_group_id"),
        "reply_to": reply["message_id"] if reply else None,
        "edited": message.edited,
        "date": tg["date"],
    }


def file_url(file_id: str) -> str:
    return f"/api/files/{file_id}"


def _chat_id(request: web.Request) -> int:
    try:
        return int(request.match_info["chat_id"])
    except ValueError:
        raise bad_request("chat id must be an integer") from None


def _float(request: web.Request, name: str, default: float) -> float:
    try:
        return float(request.query.get(name, default))
    except ValueError:
        raise bad_request(f"{name} must be a number") from None


async def _json_object(request: web.Request) -> dict[str, Any]:
    body = await request.json()
    if not isinstance(body, dict):
        raise bad_request("a JSON object is expected")
    return body


def _upload(part: web.FileField) -> Upload:
    return Upload(part.filename, part.content_type, part.file.read())


def _file_content(kind: str, document: dict[str, Any]) -> dict[str, Any]:
    """A Message's content for a file sent as `kind`. The playground does not decode videos,
    so their width, height and duration are 0. Telegram sets `document` beside `animation`."""
    if kind == "document":
        return {"document": document}
    media = {**document, "width": 0, "height": 0, "duration": 0}
    return {"video": media} if kind == "video" else {"animation": media, "document": document}


def _ok(**body: Any) -> web.Response:
    return web.json_response({"ok": True, **body})


class PersonApi:
    def __init__(self, state: State, faults: Faults) -> None:
        self.state = state
        self.faults = faults

    def routes(self) -> list[web.RouteDef]:
        return [
            web.post("/api/chats/{chat_id}/messages", self.post_message),
            web.get("/api/chats/{chat_id}/messages", self.get_messages),
            web.post("/api/chats/{chat_id}/callbacks", self.press),
            web.get("/api/chats/{chat_id}/callbacks/{callback_id}", self.get_callback),
            web.post("/api/chats/{chat_id}/block", self.block),
            web.delete("/api/chats/{chat_id}/block", self.unblock),
            web.get("/api/files/{file_id}", self.get_file),
            web.post("/api/faults", self.add_fault),
            web.get("/api/faults", self.get_faults),
            web.delete("/api/faults", self.clear_faults),
        ]

    def _writable_chat(self, request: web.Request) -> Chat:
        chat = self.state.person_chat(_chat_id(request))
        if chat.blocked:
            raise ApiError(409, "Conflict: the person has blocked the bot; unblock first")
        return chat

    def _send(self, chat: Chat, content: dict[str, Any], raw: str | None) -> Message:
        message = self.state.add_message(chat, "user", content, raw)
        self.state.push_update("message", copy.deepcopy(message.tg))
        return message

    async def post_message(self, request: web.Request) -> web.Response:
        chat = self._writable_chat(request)
        if request.content_type == "application/json":
            raw = (await _json_object(request)).get("text")
            formatted = check_text(raw, None)
            text: dict[str, Any] = {"text": formatted.text}
            if formatted.entities:
                text["entities"] = formatted.entities
            return _ok(messages=[view(self._send(chat, text, raw))])
        form = await request.post()
        field = form.get("caption")
        raw_caption = field if isinstance(field, str) else None
        caption = check_caption(raw_caption, None)
        parts = [
            (key, _upload(value)) for key, value in form.items() if isinstance(value, web.FileField)
        ]
        files = [upload for key, upload in parts if key == "photo"]
        uploads = dict(parts)
        if files:
            return _ok(messages=self._send_photos(chat, files, raw_caption, caption))
        kind = next((k for k in ("document", "video", "animation") if k in uploads), None)
        if kind is not None:
            upload = uploads[kind]
            if len(upload.data) > MAX_FILE_UPLOAD:
                raise too_large()
            stored = self.state.store_document(upload.data, upload.filename, upload.mime_type)
            content: dict[str, Any] = _file_content(kind, stored.as_document())
            if caption:
                content["caption"] = caption.text
            return _ok(messages=[view(self._send(chat, content, raw_caption))])
        raise bad_request(
            'send JSON {"text": ...}, multipart "photo" parts, or a "document", "video" or '
            '"animation" part'
        )

    def _send_photos(
        self, chat: Chat, files: list[Upload], raw_caption: str | None, caption: Formatted | None
    ) -> list[dict[str, Any]]:
        if len(files) > MAX_ALBUM:
            raise bad_request("too much messages to send as an album")
        albums = [self.state.store_photo(f.data) for f in files]
        group = {"media_group_id": self.state.new_media_group_id()} if len(files) > 1 else {}
        sent = []
        for index, sizes in enumerate(albums):
            content: dict[str, Any] = {**group, "photo": sizes}
            if index == 0 and caption:
                content["caption"] = caption.text
            sent.append(view(self._send(chat, content, raw_caption if index == 0 else None)))
        return sent

    async def get_messages(self, request: web.Request) -> web.Response:
        chat_id = _chat_id(request)
        after = int(_float(request, "after", 0))
        since_rev = int(_float(request, "since", 0)) if "since" in request.query else None
        timeout = min(_float(request, "timeout", 0), MAX_POLL_SECONDS)

        def ready() -> bool:
            chat = self.state.chats.get(chat_id)
            if chat is None:
                return False
            if since_rev is not None:
                return chat.rev > since_rev
            return any(m.message_id > after and not m.deleted for m in chat.messages.values())

        await self.state.wait_for(ready, timeout)
        chat = self.state.chats.get(chat_id)
        changed = [
            m
            for m in (chat.messages.values() if chat else [])
            if m.message_id > after and (since_rev is None or m.rev > since_rev)
        ]
        return _ok(
            messages=[view(m) for m in changed if not m.deleted],
            deleted=[m.message_id for m in changed if m.deleted and since_rev is not None],
            rev=self.state.rev,
            typing=bool(chat and chat.typing),
            blocked=bool(chat and chat.blocked),
            bot_connected=self.state.bot_connected,
        )

    async def press(self, request: web.Request) -> web.Response:
        chat = self._writable_chat(request)
        body = await _json_object(request)
        message_id, data = body.get("message_id"), body.get("data")
        message = chat.find(message_id) if isinstance(message_id, int) else None
        if message is None or message.sender != "bot":
            raise bad_request("no such bot message in this chat")
        keyboard = message.tg.get("reply_markup", {}).get("inline_keyboard", [])
        if not isinstance(data, str) or not any(
            b.get("callback_data") == data for row in keyboard for b in row
        ):
            raise bad_request("the message has no button with this callback_data")
        record = self.state.new_callback(chat, message, data)
        query = {
            "id": record.id,
            "from": chat.user,
            "message": copy.deepcopy(message.tg),
            "chat_instance": str(chat.id),
            "data": data,
        }
        self.state.push_update("callback_query", query)
        return _ok(callback_query_id=record.id)

    async def get_callback(self, request: web.Request) -> web.Response:
        """A callback's answer; with ?timeout=s waits until the bot answers it."""
        record = self.state.callbacks.get(request.match_info["callback_id"])
        if record is None:
            raise ApiError(404, "Not Found: no such callback query")
        timeout = min(_float(request, "timeout", 0), MAX_POLL_SECONDS)
        await self.state.wait_for(lambda: record.answered, timeout)
        return _ok(callback=record.as_dict())

    async def _set_blocked(self, request: web.Request, blocked: bool) -> web.Response:
        chat = self.state.person_chat(_chat_id(request))
        if chat.blocked != blocked:
            chat.blocked = blocked
            member = {"status": "member", "user": self.state.bot_user}
            kicked = {"status": "kicked", "user": self.state.bot_user, "until_date": 0}
            old, new = (member, kicked) if blocked else (kicked, member)
            update = {
                "chat": chat.as_chat,
                "from": chat.user,
                "date": int(time.time()),
                "old_chat_member": old,
                "new_chat_member": new,
            }
            self.state.push_update("my_chat_member", update)
            self.state.touch(chat)
        return _ok(blocked=chat.blocked)

    async def block(self, request: web.Request) -> web.Response:
        return await self._set_blocked(request, True)

    async def unblock(self, request: web.Request) -> web.Response:
        return await self._set_blocked(request, False)

    async def get_file(self, request: web.Request) -> web.Response:
        stored = self.state.files.get(request.match_info["file_id"])
        if stored is None:
            raise ApiError(404, "Not Found")
        return web.Response(body=stored.data, content_type=stored.mime_type)

    async def add_fault(self, request: web.Request) -> web.Response:
        self.faults.rules.append(FaultRule.from_json(await _json_object(request)))
        return _ok(**self.faults.stats())

    async def get_faults(self, request: web.Request) -> web.Response:
        return _ok(**self.faults.stats())

    async def clear_faults(self, request: web.Request) -> web.Response:
        """Remove every rule and reset the counts; answers the counts as they were."""
        stats = self.faults.stats()
        self.faults.clear()
        return _ok(**stats)
