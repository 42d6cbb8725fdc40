"""A profile: /analyze <username>, a bare username or profile link, or the "again" button."""

from __future__ import annotations

from handlers import texts
from handlers.chat import Chat
from handlers.keyboards import AnalyzeCB, profile_keyboard
from handlers.replies import StatusMessage, send_report
from instagram.usernames import parse_username
from service.app import DigService


async def analyze_profile(chat: Chat, raw_username: str, service: DigService) -> None:
    username = await service.canonical_username(parse_username(raw_username))
    status = StatusMessage(chat)
    await status.show(texts.WORKING_PROFILE.format(username=username))
    async with chat.uploading_photo():
        report = await service.profile_report(
            username, user_id=chat.user_id, progress=status.progress
        )
    await send_report(chat, report, profile_keyboard(username, chat.user_id), status)


async def analyze_command(chat: Chat, args: str | None, service: DigService) -> None:
    """/analyze <username>: exactly one argument."""
    words = (args or "").split()
    if len(words) != 1:
        await chat.send_text(texts.ASK_USERNAME)
        return
    await analyze_profile(chat, words[0], service)


async def analyze_again(chat: Chat, data: AnalyzeCB, service: DigService) -> None:
    await analyze_profile(chat, data.username, service)
