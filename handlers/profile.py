"""A profile: /analyze <username>, a bare username or profile link, or the "again" button."""

from __future__ import annotations

from aiogram import Bot, F, Router
from aiogram.filters import Command, CommandObject
from aiogram.types import CallbackQuery, Message
from aiogram.utils.chat_action import ChatActionSender

from handlers import texts
from handlers.keyboards import AnalyzeCB, profile_keyboard
from handlers.replies import StatusMessage, send_report
from instagram.usernames import is_post_link, looks_like_username, parse_username
from service.app import DigService


async def analyze_profile(
    bot: Bot, chat_id: int, user_id: int, raw_username: str, service: DigService
) -> None:
    username = await service.canonical_username(parse_username(raw_username))
    status = StatusMessage(bot, chat_id)
    await status.show(texts.WORKING_PROFILE.format(username=username))
    async with ChatActionSender.upload_photo(bot=bot, chat_id=chat_id):
        report = await service.profile_report(username, user_id=user_id, progress=status.progress)
    await send_report(bot, chat_id, report, profile_keyboard(username, user_id), status)


async def analyze_command(
    message: Message, command: CommandObject, bot: Bot, service: DigService, user_id: int
) -> None:
    args = (command.args or "").split()
    if len(args) != 1:
        await message.answer(texts.ASK_USERNAME)
        return
    await analyze_profile(bot, message.chat.id, user_id, args[0], service)


async def bare_username(message: Message, bot: Bot, service: DigService, user_id: int) -> None:
    await analyze_profile(bot, message.chat.id, user_id, message.text or "", service)


async def analyze_again(
    query: CallbackQuery, callback_data: AnalyzeCB, bot: Bot, service: DigService, user_id: int
) -> None:
    if query.message is not None:
        await analyze_profile(bot, query.message.chat.id, user_id, callback_data.username, service)


def make_router() -> Router:
    router = Router(name="profile")
    router.message.register(analyze_command, Command("analyze"))
    router.message.register(bare_username, F.text.func(looks_like_username))
    # a post link: parse_username refuses it with the answer that asks for the profile
    router.message.register(bare_username, F.text.func(is_post_link))
    router.callback_query.register(analyze_again, AnalyzeCB.filter())
    return router
