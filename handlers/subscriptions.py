"""/subscribe, /unsubscribe, /subscriptions and their buttons."""

from __future__ import annotations

from handlers import texts
from handlers.chat import Chat, Press
from handlers.keyboards import (
    Period,
    SubscribeCB,
    UnsubscribeCB,
    WhatChangedCB,
    subscription_keyboard,
)
from service.app import DigService
from service.subscriptions import what_changed
from service.subscriptions.what_changed import ChangeCheck


async def subscribe(chat: Chat, raw_username: str, period: Period, service: DigService) -> None:
    username = await service.canonical_username(raw_username)
    changed = await service.subscribe(chat.user_id, username, period)
    template = texts.SUBSCRIBED if changed else texts.ALREADY_SUBSCRIBED
    await chat.send_text(template.format(period=period, username=username))


async def unsubscribe(chat: Chat, raw_username: str, service: DigService) -> None:
    username = await service.canonical_username(raw_username)
    stopped = await service.unsubscribe(chat.user_id, username)
    template = texts.UNSUBSCRIBED if stopped else texts.NOT_SUBSCRIBED
    await chat.send_text(template.format(username=username))


async def send_subscriptions(chat: Chat, service: DigService) -> None:
    """One message per followed profile, with its buttons; the header is the first one's top
    line, not a bubble of its own."""
    views = await service.followed(chat.user_id)
    if not views:
        await chat.send_text(texts.NO_SUBSCRIPTIONS)
        return
    for number, view in enumerate(views):
        next_run = service.next_report_time(view.username, view.period)
        line = texts.SUBSCRIPTION_LINE.format(
            username=view.username,
            period=view.period,
            next_check=texts.NEXT_CHECK.format(when=next_run) if next_run else "",
        )
        await chat.send_text(
            f"{texts.SUBSCRIPTIONS_HEADER}\n{line}" if number == 0 else line,
            subscription_keyboard(view.username, Period(view.period), chat.user_id),
        )


def check_text(check: ChangeCheck) -> str | None:
    """What to say after "What changed?" (None: the report itself is on its way)."""
    name = check.username
    if check.outcome == "reported":
        return None
    if check.outcome == "nothing_new" and check.since is not None:
        return texts.NOTHING_NEW.format(username=name, since=check.since)
    if check.outcome in ("first_look", "nothing_new"):
        return texts.FIRST_LOOK.format(username=name)
    if check.outcome == "not_fetched":
        return texts.NOT_FETCHED_NOW.format(username=name)
    return texts.NOT_SUBSCRIBED.format(username=name)


async def subscribe_command(chat: Chat, args: str | None, service: DigService) -> None:
    """/subscribe <username> [daily|weekly]"""
    words = (args or "").split()
    periods = {p.value: p for p in Period}
    if not 1 <= len(words) <= 2 or (len(words) == 2 and words[1].lower() not in periods):
        await chat.send_text(texts.SUBSCRIBE_USAGE)
        return
    period = periods[words[1].lower()] if len(words) == 2 else Period.DAILY
    await subscribe(chat, words[0], period, service)


async def unsubscribe_command(chat: Chat, args: str | None, service: DigService) -> None:
    """/unsubscribe <username>"""
    words = (args or "").split()
    if len(words) != 1:
        await chat.send_text(texts.UNSUBSCRIBE_USAGE)
        return
    await unsubscribe(chat, words[0], service)


async def subscribe_button(chat: Chat, data: SubscribeCB, service: DigService) -> None:
    await subscribe(chat, data.username, data.period, service)


async def unsubscribe_button(chat: Chat, data: UnsubscribeCB, service: DigService) -> None:
    await unsubscribe(chat, data.username, service)


async def what_changed_button(
    chat: Chat, press: Press, data: WhatChangedCB, service: DigService
) -> None:
    """The change report of this subscription now, through the outbox (see
    service.subscriptions.what_changed)."""
    await press.answer(texts.CHECKING_NOW)
    check = await what_changed.check_now(service, chat.user_id, data.username)
    if (reply := check_text(check)) is not None:
        await chat.send_text(reply)
