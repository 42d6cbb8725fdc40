"""Bot API methods: each validates fully before it changes anything, then returns the result."""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable
from typing import Any

from playground.errors import (
    MAX_ALBUM,
    MAX_CALLBACK_DATA,
    MAX_FILE_UPLOAD,
    MAX_PHOTO_UPLOAD,
    MIN_ALBUM,
    TYPING_SECONDS,
    ApiError,
    bad_request,
    not_found,
    too_large,
    webhook_conflict,
)
from playground.params import Params, Upload
from playground.parse_mode import Formatted, check_caption, check_text
from playground.state import DEFAULT_ALLOWED, Chat, Message, State

Handler = Callable[[State, Params], Awaitable[Any]]
METHODS: dict[str, tuple[str, Handler]] = {}  # lower-case name → (canonical name, handler)
MAX_GET_FILE = 20 * 1024 * 1024  # getFile serves files up to 20 MB
_TEXT_BUTTONS = (
    "can't parse inline keyboard button: Text buttons are unallowed in the inline keyboard"
)


def method(name: str) -> Callable[[Handler], Handler]:
    def register(handler: Handler) -> Handler:
        METHODS[name.lower()] = (name, handler)
        return handler

    return register


def bot_user(token: str) -> dict[str, Any]:
    """The bot's `User` (getMe); its id is the token's numeric part, as in Telegram."""
    left = token.partition(":")[0]
    return {
        "id": int(left) if left.isdigit() else 1,
        "is_bot": True,
        "first_name": "digbot (playground)",
        "username": "digbot_playground_bot",
        "can_join_groups": False,
        "can_read_all_group_messages": False,
        "supports_inline_queries": False,
        "can_connect_to_business": False,
        "has_main_web_app": False,
    }


# --- building blocks ------------------------------------------------------------------------


def _with_text(content: dict[str, Any], key: str, formatted: Formatted | None) -> dict[str, Any]:
    """Set text/caption and its entities on a Message's content (or remove them when None)."""
    entities_key = "entities" if key == "text" else "caption_entities"
    content.pop(key, None)
    content.pop(entities_key, None)
    if formatted is not None:
        content[key] = formatted.text
        if formatted.entities:
            content[entities_key] = formatted.entities
    return content


def inline_markup(p: Params) -> dict[str, Any] | None:
    """The validated inline keyboard, or None. Reply keyboards are accepted but not shown."""
    markup = p.json("reply_markup")
    if not isinstance(markup, dict) or "inline_keyboard" not in markup:
        return None
    rows = markup["inline_keyboard"]
    if not isinstance(rows, list) or not all(isinstance(row, list) for row in rows):
        raise bad_request(
            'can\'t parse inline keyboard button: field "inline_keyboard" must be an Array'
        )
    keyboard = []
    for row in rows:
        buttons = []
        for button in row:
            if not isinstance(button, dict) or not button.get("text"):
                raise bad_request(_TEXT_BUTTONS)
            data, url = button.get("callback_data"), button.get("url")
            if data is not None and not 1 <= len(str(data).encode()) <= MAX_CALLBACK_DATA:
                raise bad_request("BUTTON_DATA_INVALID")
            if data is None and not url:
                raise bad_request(_TEXT_BUTTONS)
            if url is not None and not str(url).startswith(("http://", "https://", "tg://")):
                raise bad_request("BUTTON_URL_INVALID")
            buttons.append({k: v for k, v in button.items() if v is not None})
        keyboard.append(buttons)
    return {"inline_keyboard": keyboard}


def reply_target(chat: Chat, p: Params) -> dict[str, Any]:
    """`reply_to_message` content for reply_to_message_id / reply_parameters."""
    params = p.json("reply_parameters")
    params = params if isinstance(params, dict) else {}
    message_id = params.get("message_id")
    if message_id is None:
        message_id = p.integer("reply_to_message_id")
    if message_id is None:
        return {}
    target = chat.find(int(message_id))
    if target is None:
        if params.get("allow_sending_without_reply") or p.flag("allow_sending_without_reply"):
            return {}
        raise bad_request("message to be replied not found")
    return {"reply_to_message": {k: v for k, v in target.tg.items() if k != "reply_to_message"}}


def _photo_sizes(state: State, source: Upload | str) -> list[dict[str, Any]]:
    if isinstance(source, Upload):
        if len(source.data) > MAX_PHOTO_UPLOAD:
            raise too_large()
        return state.store_photo(source.data)
    stored = state.files.get(source)
    if stored is None:
        raise bad_request("wrong file identifier/HTTP URL specified")
    if stored.photo_sizes is None:
        raise bad_request("can't use file of type Document as Photo")
    return stored.photo_sizes


def _document(state: State, source: Upload | str) -> dict[str, Any]:
    if isinstance(source, Upload):
        if len(source.data) > MAX_FILE_UPLOAD:
            raise too_large()
        return state.store_document(source.data, source.filename, source.mime_type).as_document()
    stored = state.files.get(source)
    if stored is None:
        raise bad_request("wrong file identifier/HTTP URL specified")
    return stored.as_document()


def _message_text(p: Params) -> tuple[str | None, Formatted]:
    raw = p.string("text")
    return raw, check_text(raw, p.string("parse_mode"), p.json("entities"))


def _caption(p: Params) -> tuple[str | None, Formatted | None]:
    raw = p.string("caption")
    return raw, check_caption(raw, p.string("parse_mode"), p.json("caption_entities"))


def _send(
    state: State,
    chat: Chat,
    content: dict[str, Any],
    markup: dict[str, Any] | None,
    p: Params,
    raw: str | None,
) -> Message:
    if markup:
        content["reply_markup"] = markup
    return state.add_message(chat, "bot", content, raw, p.string("parse_mode"))


# --- getting updates ------------------------------------------------------------------------


@method("getMe")
async def get_me(state: State, p: Params) -> Any:
    return state.bot_user


@method("getUpdates")
async def get_updates(state: State, p: Params) -> Any:
    """Long-poll; a newer getUpdates ends a waiting one with 409, as Telegram does."""
    if state.webhook_url:
        raise webhook_conflict()
    offset, limit = p.integer("offset"), min(max(p.integer("limit") or 100, 1), 100)
    allowed = p.json("allowed_updates")
    if isinstance(allowed, list):
        state.allowed_updates = frozenset(allowed) or DEFAULT_ALLOWED
    if offset is not None:
        state.confirm_updates(offset)
    state.polls += 1
    mine = state.polls
    state.notify()

    def superseded() -> bool:
        return state.polls != mine

    timeout = max(p.integer("timeout") or 0, 0)
    await state.wait_for(lambda: superseded() or bool(state.pending_updates(limit)), timeout)
    if superseded():
        raise ApiError(
            409,
            "Conflict: terminated by other getUpdates request; "
            "make sure that only one bot instance is running",
        )
    return state.pending_updates(limit)


@method("setWebhook")
async def set_webhook(state: State, p: Params) -> Any:
    state.webhook_url = p.string("url") or ""
    return True


@method("deleteWebhook")
async def delete_webhook(state: State, p: Params) -> Any:
    state.webhook_url = ""
    if p.flag("drop_pending_updates"):
        state.updates.clear()
    return True


@method("getWebhookInfo")
async def get_webhook_info(state: State, p: Params) -> Any:
    return {
        "url": state.webhook_url,
        "has_custom_certificate": False,
        "pending_update_count": len(state.updates),
    }


@method("setMyCommands")
async def set_my_commands(state: State, p: Params) -> Any:
    commands = p.json("commands", required=True)
    if not isinstance(commands, list) or not all(
        isinstance(c, dict) and c.get("command") for c in commands
    ):
        raise bad_request("can't parse commands JSON object")
    state.commands = [
        {"command": c["command"], "description": c.get("description", "")} for c in commands
    ]
    return True


@method("getMyCommands")
async def get_my_commands(state: State, p: Params) -> Any:
    return state.commands


@method("deleteMyCommands")
async def delete_my_commands(state: State, p: Params) -> Any:
    state.commands = []
    return True


# --- sending --------------------------------------------------------------------------------


@method("sendMessage")
async def send_message(state: State, p: Params) -> Any:
    chat = state.bot_chat(p.chat_id())
    raw, formatted = _message_text(p)
    content = _with_text(reply_target(chat, p), "text", formatted)
    return _send(state, chat, content, inline_markup(p), p, raw).tg


@method("sendPhoto")
async def send_photo(state: State, p: Params) -> Any:
    return _send_file(state, p, "photo", _photo_sizes)


@method("sendDocument")
async def send_document(state: State, p: Params) -> Any:
    return _send_file(state, p, "document", _document)


def _send_file(
    state: State, p: Params, kind: str, describe: Callable[[State, Upload | str], Any]
) -> Any:
    """sendPhoto / sendDocument: the file under `kind`, described by `describe`, and a caption."""
    chat = state.bot_chat(p.chat_id())
    raw, caption = _caption(p)
    content, markup = reply_target(chat, p), inline_markup(p)
    content[kind] = describe(state, p.file(kind))
    return _send(state, chat, _with_text(content, "caption", caption), markup, p, raw).tg


@method("sendMediaGroup")
async def send_media_group(state: State, p: Params) -> Any:
    chat = state.bot_chat(p.chat_id())
    media = p.json("media", required=True)
    if not isinstance(media, list) or not all(isinstance(m, dict) for m in media):
        raise bad_request("can't parse media JSON object")
    if len(media) > MAX_ALBUM:
        raise bad_request("too much messages to send as an album")
    if len(media) < MIN_ALBUM:
        raise bad_request("media group must contain 2-10 items")  # wording is ours
    kinds = {item.get("type") for item in media}
    if not kinds <= {"photo", "document"} or kinds == {"photo", "document"}:
        raise bad_request("only photos, or only documents, can be grouped in the playground")
    reply = reply_target(chat, p)
    captions = [
        check_caption(m.get("caption"), m.get("parse_mode"), m.get("caption_entities"))
        for m in media
    ]
    sources = [p.input_file(item.get("media")) for item in media]
    for item, source in zip(media, sources, strict=True):
        limit = MAX_PHOTO_UPLOAD if item["type"] == "photo" else MAX_FILE_UPLOAD
        if isinstance(source, Upload) and len(source.data) > limit:
            raise too_large()
    bodies = [
        {"photo": _photo_sizes(state, s)}
        if m["type"] == "photo"
        else {"document": _document(state, s)}
        for m, s in zip(media, sources, strict=True)
    ]
    group_id = state.new_media_group_id()
    sent = []
    for item, body, caption in zip(media, bodies, captions, strict=True):
        content = _with_text({**reply, "media_group_id": group_id, **body}, "caption", caption)
        sent.append(
            state.add_message(chat, "bot", content, item.get("caption"), item.get("parse_mode")).tg
        )
    return sent


@method("sendChatAction")
async def send_chat_action(state: State, p: Params) -> Any:
    chat = state.bot_chat(p.chat_id())
    p.string("action", required=True)
    chat.typing_until = time.monotonic() + TYPING_SECONDS
    state.touch(chat)
    return True


# --- editing and deleting -------------------------------------------------------------------


def _editable(state: State, p: Params) -> Message:
    chat = state.bot_chat(p.chat_id())
    message = chat.find(p.integer("message_id", required=True))
    if message is None:
        raise bad_request("message to edit not found")
    if message.sender != "bot":
        raise bad_request("message can't be edited")
    return message


def _apply_edit(
    state: State, message: Message, new: dict[str, Any], p: Params, raw: str | None
) -> Any:
    """Replace the content keys in `new` (None removes), with the markup; refuse a no-op edit."""
    markup = inline_markup(p)
    new = {**new, "reply_markup": markup}
    if all(message.tg.get(key) == value for key, value in new.items()):
        raise bad_request(
            "message is not modified: specified new message content and reply markup are exactly "
            "the same as a current content and reply markup of the message"
        )
    for key, value in new.items():
        if value is None:
            message.tg.pop(key, None)
        else:
            message.tg[key] = value
    message.tg["edit_date"] = int(time.time())
    if "text" in new or "caption" in new:
        message.raw_text, message.parse_mode = raw, p.string("parse_mode")
    message.edited = True
    state.change_message(message)
    return message.tg


@method("editMessageText")
async def edit_message_text(state: State, p: Params) -> Any:
    message = _editable(state, p)
    if "text" not in message.tg:
        raise bad_request("there is no text in the message to edit")
    raw, formatted = _message_text(p)
    new = {"text": formatted.text, "entities": formatted.entities or None}
    return _apply_edit(state, message, new, p, raw)


@method("editMessageCaption")
async def edit_message_caption(state: State, p: Params) -> Any:
    message = _editable(state, p)
    if "text" in message.tg:
        raise bad_request("there is no caption in the message to edit")
    raw, caption = _caption(p)
    new = {
        "caption": caption.text if caption else None,
        "caption_entities": (caption.entities or None) if caption else None,
    }
    return _apply_edit(state, message, new, p, raw)


@method("editMessageReplyMarkup")
async def edit_message_reply_markup(state: State, p: Params) -> Any:
    message = _editable(state, p)
    return _apply_edit(state, message, {}, p, None)


@method("deleteMessage")
async def delete_message(state: State, p: Params) -> Any:
    chat_id = p.chat_id()
    chat = state.chats.get(chat_id) if chat_id is not None else None
    if chat is None:
        raise bad_request("chat not found")
    message = chat.find(p.integer("message_id", required=True))
    if message is None:
        raise bad_request("message to delete not found")
    message.deleted = True
    state.change_message(message)
    return True


# --- callbacks and files --------------------------------------------------------------------


@method("answerCallbackQuery")
async def answer_callback_query(state: State, p: Params) -> Any:
    record = state.callbacks.get(p.string("callback_query_id", required=True) or "")
    if record is None or record.answered:
        raise bad_request("query is too old and response timeout expired or query ID is invalid")
    record.answered, record.text, record.show_alert = True, p.string("text"), p.flag("show_alert")
    state.notify()
    return True


@method("getFile")
async def get_file(state: State, p: Params) -> Any:
    stored = state.files.get(p.string("file_id", required=True) or "")
    if stored is None:
        raise bad_request("invalid file_id")
    if len(stored.data) > MAX_GET_FILE:
        raise bad_request("file is too big")
    return stored.as_file()


def lookup(name: str) -> tuple[str, Handler]:
    """(canonical name, handler) of a method named case-insensitively; 404 like Telegram."""
    entry = METHODS.get(name.lower())
    if entry is None:
        raise not_found()
    return entry
