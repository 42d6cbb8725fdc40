"""/privacy, /export and /forget (after a confirmation button)."""

from __future__ import annotations

import json

from handlers import texts
from handlers.chat import Chat
from handlers.keyboards import ForgetCB, forget_keyboard
from service.app import DigService


def privacy_text(service: DigService) -> str:
    privacy = service.settings.privacy
    minutes = privacy.photo_memory_minutes
    kept_copy = texts.KEPT_COPY.format(minutes=f"{minutes:g}") if minutes else ""
    return texts.PRIVACY.format(retention=f"{privacy.retention_days:g}", kept_copy=kept_copy)


async def privacy(chat: Chat, service: DigService) -> None:
    await chat.send_text(privacy_text(service))


async def export(chat: Chat, service: DigService) -> None:
    data = await service.export(chat.user_id)
    payload = json.dumps(data, ensure_ascii=False, indent=2).encode("utf-8")
    await chat.send_document(payload, "digbot-export.json", texts.EXPORT_CAPTION)


async def forget(chat: Chat) -> None:
    await chat.send_text(texts.FORGET_CONFIRM, forget_keyboard(chat.user_id))


async def forget_answer(chat: Chat, question_id: int, data: ForgetCB, service: DigService) -> None:
    # The question is answered: its Yes/Cancel buttons have done their job.
    await chat.remove_keyboard(question_id)
    if not data.confirm:
        await chat.send_text(texts.FORGET_CANCELLED)
        return
    rows = await service.forget(chat.user_id)
    await chat.send_text(texts.FORGOTTEN.format(rows=rows))
