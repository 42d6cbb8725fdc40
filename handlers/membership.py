"""The person blocked or unblocked the bot: pause or resume what is sent to them."""

from __future__ import annotations

from service.app import DigService

GONE = frozenset({"kicked", "left"})
"""The bot's new status in a chat where it can no longer send."""


async def member_changed(user_id: int, new_status: str, service: DigService) -> None:
    await service.set_blocked(user_id, blocked=new_status in GONE)
