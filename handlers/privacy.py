"""/privacy, /export and /forget (after a confirmation button)."""

from __future__ import annotations

import json

from aiogram import Bot, Router
from aiogram.filters import Command
from aiogram.types import BufferedInputFile, CallbackQuery, Message

from handlers import texts
from handlers.keyboards import ForgetCB, forget_keyboard
from service.app import DigService


def privacy_text(service: DigService) -> str:
    privacy = service.settings.privacy
    minutes = privacy.photo_memory_minutes
    kept_copy = texts.KEPT_COPY.format(minutes=f"{minutes:g}") if minutes else ""
    return texts.PRIVACY.format(retention=f"{privacy.retention_days:g}", kept_copy=kept_copy)


async def privacy(message: Message, service: DigService) -> None:
    await message.answer(privacy_text(service))


async def export(message: Message, service: DigService, user_id: int) -> None:
    data = await service.export(user_id)
    payload = json.dumps(data, ensure_ascii=False, indent=2).encode("utf-8")
    await message.answer_document(
        BufferedInputFile(payload, "digbot-export.json"), caption=texts.EXPORT_CAPTION
    )


async def forget(message: Message, user_id: int) -> None:
    await message.answer(texts.FORGET_CONFIRM, reply_markup=forget_keyboard(user_id))


async def forget_answer(
    query: CallbackQuery, callback_data: ForgetCB, bot: Bot, service: DigService, user_id: int
) -> None:
    if query.message is None:
        return
    # The question is answered: its Yes/Cancel buttons have done their job.
    await bot.edit_message_reply_markup(
        chat_id=query.message.chat.id, message_id=query.message.message_id, reply_markup=None
    )
    if not callback_data.confirm:
        await bot.send_message(query.message.chat.id, texts.FORGET_CANCELLED)
        return
    rows = await service.forget(user_id)
    await bot.send_message(query.message.chat.id, texts.FORGOTTEN.format(rows=rows))


def make_router() -> Router:
    router = Router(name="privacy")
    router.message.register(privacy, Command("privacy"))
    router.message.register(export, Command("export"))
    router.message.register(forget, Command("forget"))
    router.callback_query.register(forget_answer, ForgetCB.filter())
    return router
