"""/start, /help, the start menu's buttons, and the answer to anything not understood."""

from __future__ import annotations

from handlers import texts
from handlers.chat import Chat, Press
from handlers.keyboards import MenuCB, MenuItem, start_keyboard
from handlers.privacy import privacy_text
from handlers.subscriptions import send_subscriptions
from service.app import DigService


async def start(chat: Chat) -> None:
    await chat.send_text(texts.WELCOME, start_keyboard(chat.user_id))


async def help_command(chat: Chat) -> None:
    await chat.send_text(texts.HELP)


async def menu(chat: Chat, press: Press, data: MenuCB, service: DigService) -> None:
    await press.answer()
    if data.item is MenuItem.HELP:
        await chat.send_text(texts.HELP)
    elif data.item is MenuItem.PRIVACY:
        await chat.send_text(privacy_text(service))
    elif data.item is MenuItem.SUBSCRIPTIONS:
        await send_subscriptions(chat, service)


async def not_understood(chat: Chat, text: str | None) -> None:
    """Anything no conversation took: a command we do not have, text, a sticker, …"""
    visible = text is None or any(ch.isprintable() and not ch.isspace() for ch in text)
    await chat.send_text(texts.NOT_UNDERSTOOD if visible else texts.EMPTY_TEXT)


async def stale_button(press: Press) -> None:
    """A press no conversation understood: forged, or a button of an older version."""
    await press.answer(texts.BUTTON_EXPIRED, alert=True)
