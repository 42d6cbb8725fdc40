"""/start, /help, the start menu's buttons, and the answer to anything not understood."""

from __future__ import annotations

from aiogram import Bot, F, Router
from aiogram.filters import Command, CommandStart
from aiogram.types import CallbackQuery, Message

from handlers import texts
from handlers.keyboards import MenuCB, MenuItem, start_keyboard
from handlers.ownership import OWN_ANSWER
from handlers.privacy import privacy_text
from handlers.subscriptions import send_subscriptions
from service.app import DigService


async def start(message: Message, user_id: int) -> None:
    await message.answer(texts.WELCOME, reply_markup=start_keyboard(user_id))


async def help_command(message: Message) -> None:
    await message.answer(texts.HELP)


async def menu(
    query: CallbackQuery, callback_data: MenuCB, bot: Bot, service: DigService, user_id: int
) -> None:
    if query.message is None:
        await stale_button(query)
        return
    await query.answer()
    chat_id = query.message.chat.id
    if callback_data.item is MenuItem.HELP:
        await bot.send_message(chat_id, texts.HELP)
    elif callback_data.item is MenuItem.PRIVACY:
        await bot.send_message(chat_id, privacy_text(service))
    elif callback_data.item is MenuItem.SUBSCRIPTIONS:
        await send_subscriptions(bot, chat_id, user_id, service)


async def unknown_command(message: Message) -> None:
    await message.answer(texts.NOT_UNDERSTOOD)


async def not_understood(message: Message) -> None:
    text = message.text or ""
    visible = any(ch.isprintable() and not ch.isspace() for ch in text)  # not only U+200B etc.
    await message.answer(texts.NOT_UNDERSTOOD if visible else texts.EMPTY_TEXT)


async def anything_else(message: Message) -> None:
    await message.answer(texts.NOT_UNDERSTOOD)


async def stale_button(query: CallbackQuery) -> None:
    await query.answer(texts.BUTTON_EXPIRED, show_alert=True)


def make_router() -> Router:
    router = Router(name="start")
    router.message.register(start, CommandStart())
    router.message.register(help_command, Command("help"))
    router.callback_query.register(menu, MenuCB.filter(), flags=OWN_ANSWER)
    return router


def make_fallback_router() -> Router:
    """Included last: answers what no other router took."""
    router = Router(name="fallback")
    router.message.register(unknown_command, F.text.startswith("/"))
    router.message.register(not_understood, F.text)
    router.message.register(anything_else)
    router.callback_query.register(stale_button, flags=OWN_ANSWER)
    return router
