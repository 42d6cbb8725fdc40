"""The person blocked or unblocked the bot: pause or resume what is sent to them."""

from __future__ import annotations

from aiogram import Router
from aiogram.types import ChatMemberUpdated

from service.app import DigService


async def member_changed(event: ChatMemberUpdated, service: DigService) -> None:
    status = event.new_chat_member.status
    blocked = status in ("kicked", "left")
    await service.set_blocked(event.from_user.id, blocked=blocked)


def make_router() -> Router:
    router = Router(name="membership")
    router.my_chat_member.register(member_changed)
    return router
