"""The aiogram adapter: routers, filters and middlewares that route updates to the
conversations in handlers/ (each route is named after the conversation it calls, so the log
line names the same handler on every runtime)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from aiogram import BaseMiddleware, F, Router
from aiogram.filters import Command, CommandObject, CommandStart
from aiogram.types import CallbackQuery, ChatMemberUpdated, Message, TelegramObject
from aiogram.utils.callback_answer import CallbackAnswerMiddleware

from bot.aiogram_chat import AiogramChat, AiogramPress
from bot.updates import image_in
from handlers import membership, photos, privacy, profile, start, subscriptions
from handlers.keyboards import (
    AnalyzeCB,
    ForgetCB,
    MenuCB,
    SubscribeCB,
    UnsubscribeCB,
    WhatChangedCB,
    WhyStyleCB,
)
from handlers.ownership import refuse_others
from handlers.photos import AlbumGatherer
from instagram.usernames import is_post_link, looks_like_username
from service.app import DigService

Handler = Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]]

OWN_ANSWER = {"callback_answer": {"disabled": True}}
"""Handler flags: this handler answers its press itself, with a text (the automatic answer,
CallbackAnswerMiddleware, stays off for it)."""


class ChatInjection(BaseMiddleware):
    """Inner middleware: hands the conversations their `chat` (and a press its `press`)."""

    async def __call__(self, handler: Handler, event: TelegramObject, data: dict[str, Any]) -> Any:
        chat, user = data.get("event_chat"), data.get("event_from_user")
        if chat is not None and user is not None:
            data["chat"] = AiogramChat(data["bot"], chat.id, user.id)
        if isinstance(event, CallbackQuery):
            data["press"] = AiogramPress(event)
        return await handler(event, data)


class OwnButtonsOnly(BaseMiddleware):
    """Inner middleware on presses (it sees the parsed callback data): someone else's button
    is refused (handlers.ownership)."""

    async def __call__(self, handler: Handler, event: TelegramObject, data: dict[str, Any]) -> Any:
        if isinstance(event, CallbackQuery) and await refuse_others(
            data.get("callback_data"), event.from_user.id, AiogramPress(event)
        ):
            return None
        return await handler(event, data)


class AlbumCollector(BaseMiddleware):
    """Outer middleware: the parts of an album reach the handler once, as `album` (in order)."""

    def __init__(self, latency: float = 1.0) -> None:
        self.gatherer: AlbumGatherer[Message] = AlbumGatherer(latency)

    async def __call__(self, handler: Handler, event: TelegramObject, data: dict[str, Any]) -> Any:
        if not isinstance(event, Message) or event.media_group_id is None:
            return await handler(event, data)
        parts = await self.gatherer.gather(event.media_group_id, event)
        if parts is None:
            return None
        data["album"] = sorted(parts, key=lambda m: m.message_id)
        return await handler(event, data)


# --- start, help, the menu and the fallback ---------------------------------------------------


async def start_command(message: Message, chat: AiogramChat) -> None:
    await start.start(chat)


async def help_command(message: Message, chat: AiogramChat) -> None:
    await start.help_command(chat)


async def menu(
    query: CallbackQuery,
    callback_data: MenuCB,
    chat: AiogramChat,
    press: AiogramPress,
    service: DigService,
) -> None:
    await start.menu(chat, press, callback_data, service)


async def not_understood(message: Message, chat: AiogramChat) -> None:
    await start.not_understood(chat, message.text)


async def stale_button(query: CallbackQuery, press: AiogramPress) -> None:
    await start.stale_button(press)


# --- profiles ---------------------------------------------------------------------------------


async def analyze_command(
    message: Message, command: CommandObject, chat: AiogramChat, service: DigService
) -> None:
    await profile.analyze_command(chat, command.args, service)


async def bare_username(message: Message, chat: AiogramChat, service: DigService) -> None:
    await profile.analyze_profile(chat, message.text or "", service)


async def analyze_again(
    query: CallbackQuery, callback_data: AnalyzeCB, chat: AiogramChat, service: DigService
) -> None:
    await profile.analyze_again(chat, callback_data, service)


# --- photos -----------------------------------------------------------------------------------


async def album(
    message: Message, album: list[Message], chat: AiogramChat, service: DigService
) -> None:
    await photos.album(chat, [image_in(part) for part in album], service)


async def photo(message: Message, chat: AiogramChat, service: DigService) -> None:
    file = image_in(message)
    assert file is not None
    await photos.photo(chat, file, service)


async def document(message: Message, chat: AiogramChat, service: DigService) -> None:
    file = image_in(message)
    assert file is not None
    await photos.document(chat, file, service)


async def video(message: Message, chat: AiogramChat) -> None:
    await photos.video(chat)


async def why_style(
    query: CallbackQuery,
    callback_data: WhyStyleCB,
    chat: AiogramChat,
    press: AiogramPress,
    service: DigService,
) -> None:
    await photos.why_style(chat, press, callback_data, service)


# --- subscriptions ----------------------------------------------------------------------------


async def subscribe_command(
    message: Message, command: CommandObject, chat: AiogramChat, service: DigService
) -> None:
    await subscriptions.subscribe_command(chat, command.args, service)


async def unsubscribe_command(
    message: Message, command: CommandObject, chat: AiogramChat, service: DigService
) -> None:
    await subscriptions.unsubscribe_command(chat, command.args, service)


async def subscriptions_command(message: Message, chat: AiogramChat, service: DigService) -> None:
    await subscriptions.send_subscriptions(chat, service)


async def subscribe_button(
    query: CallbackQuery, callback_data: SubscribeCB, chat: AiogramChat, service: DigService
) -> None:
    await subscriptions.subscribe_button(chat, callback_data, service)


async def unsubscribe_button(
    query: CallbackQuery, callback_data: UnsubscribeCB, chat: AiogramChat, service: DigService
) -> None:
    await subscriptions.unsubscribe_button(chat, callback_data, service)


async def what_changed_button(
    query: CallbackQuery,
    callback_data: WhatChangedCB,
    chat: AiogramChat,
    press: AiogramPress,
    service: DigService,
) -> None:
    await subscriptions.what_changed_button(chat, press, callback_data, service)


# --- privacy and membership -------------------------------------------------------------------


async def privacy_command(message: Message, chat: AiogramChat, service: DigService) -> None:
    await privacy.privacy(chat, service)


async def export_command(message: Message, chat: AiogramChat, service: DigService) -> None:
    await privacy.export(chat, service)


async def forget_command(message: Message, chat: AiogramChat) -> None:
    await privacy.forget(chat)


async def forget_answer(
    query: CallbackQuery, callback_data: ForgetCB, chat: AiogramChat, service: DigService
) -> None:
    assert query.message is not None  # the routers take only presses under a message
    await privacy.forget_answer(chat, query.message.message_id, callback_data, service)


async def member_changed(event: ChatMemberUpdated, service: DigService) -> None:
    await membership.member_changed(event.from_user.id, event.new_chat_member.status, service)


def build_router(album_latency: float = 1.0) -> Router:
    """A fresh tree of every conversation's routes, the catch-all last."""
    root = Router(name="digbot")
    # Inner, in order: the presser owns the button (it sees the parsed callback data); then
    # every press is answered before its handler runs (the client's spinner stops at once),
    # except by handlers whose answer carries a text (flag OWN_ANSWER).
    root.callback_query.middleware(OwnButtonsOnly())
    root.callback_query.middleware(CallbackAnswerMiddleware(pre=True))
    for observer in (root.message, root.callback_query):
        observer.middleware(ChatInjection())

    commands = Router(name="commands")
    commands.message.register(start_command, CommandStart())
    commands.message.register(help_command, Command("help"))
    commands.message.register(analyze_command, Command("analyze"))
    commands.message.register(subscribe_command, Command("subscribe"))
    commands.message.register(unsubscribe_command, Command("unsubscribe"))
    commands.message.register(subscriptions_command, Command("subscriptions"))
    commands.message.register(privacy_command, Command("privacy"))
    commands.message.register(export_command, Command("export"))
    commands.message.register(forget_command, Command("forget"))
    commands.my_chat_member.register(member_changed)

    buttons = Router(name="buttons")
    buttons.callback_query.filter(F.message)  # a press under a message of ours
    buttons.callback_query.register(menu, MenuCB.filter(), flags=OWN_ANSWER)
    buttons.callback_query.register(forget_answer, ForgetCB.filter())
    buttons.callback_query.register(subscribe_button, SubscribeCB.filter())
    buttons.callback_query.register(unsubscribe_button, UnsubscribeCB.filter())
    buttons.callback_query.register(what_changed_button, WhatChangedCB.filter(), flags=OWN_ANSWER)
    buttons.callback_query.register(why_style, WhyStyleCB.filter(), flags=OWN_ANSWER)
    buttons.callback_query.register(analyze_again, AnalyzeCB.filter())

    media = Router(name="photos")
    media.message.outer_middleware(AlbumCollector(album_latency))
    media.message.register(album, F.media_group_id)
    media.message.register(photo, F.photo)
    # Before documents: Telegram sends an animation with a `document` beside it.
    media.message.register(video, F.video | F.animation | F.video_note)
    media.message.register(document, F.document)

    profiles = Router(name="profile")
    profiles.message.register(bare_username, F.text.func(looks_like_username))
    # a post link: parse_username refuses it with the answer that asks for the profile
    profiles.message.register(bare_username, F.text.func(is_post_link))

    fallback = Router(name="fallback")
    fallback.message.register(not_understood)
    fallback.callback_query.register(stale_button, flags=OWN_ANSWER)

    root.include_routers(commands, buttons, media, profiles, fallback)
    return root
