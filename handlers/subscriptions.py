"""/subscribe, /unsubscribe, /subscriptions and their buttons."""

from __future__ import annotations

from aiogram import Bot, Router
from aiogram.filters import Command, CommandObject
from aiogram.types import CallbackQuery, Message

from handlers import texts
from handlers.keyboards import (
    Period,
    SubscribeCB,
    UnsubscribeCB,
    WhatChangedCB,
    subscription_keyboard,
)
from handlers.ownership import OWN_ANSWER
from service.app import DigService
from service.subscriptions import what_changed
from service.subscriptions.what_changed import ChangeCheck


async def subscribe(
    bot: Bot, chat_id: int, user_id: int, raw_username: str, period: Period, service: DigService
) -> None:
    username = await service.canonical_username(raw_username)
    changed = await service.subscribe(user_id, username, period)
    template = texts.SUBSCRIBED if changed else texts.ALREADY_SUBSCRIBED
    await bot.send_message(chat_id, template.format(period=period, username=username))


async def unsubscribe(
    bot: Bot, chat_id: int, user_id: int, raw_username: str, service: DigService
) -> None:
    username = await service.canonical_username(raw_username)
    stopped = await service.unsubscribe(user_id, username)
    template = texts.UNSUBSCRIBED if stopped else texts.NOT_SUBSCRIBED
    await bot.send_message(chat_id, template.format(username=username))


async def send_subscriptions(bot: Bot, chat_id: int, user_id: int, service: DigService) -> None:
    """One message per followed profile, with its buttons; the header is the first one's top
    line, not a bubble of its own."""
    views = await service.followed(user_id)
    if not views:
        await bot.send_message(chat_id, texts.NO_SUBSCRIPTIONS)
        return
    for number, view in enumerate(views):
        next_run = service.next_report_time(view.username, view.period)
        line = texts.SUBSCRIPTION_LINE.format(
            username=view.username,
            period=view.period,
            next_check=texts.NEXT_CHECK.format(when=next_run) if next_run else "",
        )
        await bot.send_message(
            chat_id,
            f"{texts.SUBSCRIPTIONS_HEADER}\n{line}" if number == 0 else line,
            reply_markup=subscription_keyboard(view.username, Period(view.period), user_id),
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


async def subscribe_command(
    message: Message, command: CommandObject, bot: Bot, service: DigService, user_id: int
) -> None:
    args = (command.args or "").split()
    periods = {p.value: p for p in Period}
    if not 1 <= len(args) <= 2 or (len(args) == 2 and args[1].lower() not in periods):
        await message.answer(texts.SUBSCRIBE_USAGE)
        return
    period = periods[args[1].lower()] if len(args) == 2 else Period.DAILY
    await subscribe(bot, message.chat.id, user_id, args[0], period, service)


async def unsubscribe_command(
    message: Message, command: CommandObject, bot: Bot, service: DigService, user_id: int
) -> None:
    args = (command.args or "").split()
    if len(args) != 1:
        await message.answer(texts.UNSUBSCRIBE_USAGE)
        return
    await unsubscribe(bot, message.chat.id, user_id, args[0], service)


async def subscriptions_command(
    message: Message, bot: Bot, service: DigService, user_id: int
) -> None:
    await send_subscriptions(bot, message.chat.id, user_id, service)


async def subscribe_button(
    query: CallbackQuery, callback_data: SubscribeCB, bot: Bot, service: DigService, user_id: int
) -> None:
    if query.message is not None:
        await subscribe(
            bot,
            query.message.chat.id,
            user_id,
            callback_data.username,
            callback_data.period,
            service,
        )


async def unsubscribe_button(
    query: CallbackQuery, callback_data: UnsubscribeCB, bot: Bot, service: DigService, user_id: int
) -> None:
    if query.message is not None:
        await unsubscribe(bot, query.message.chat.id, user_id, callback_data.username, service)


async def what_changed_button(
    query: CallbackQuery,
    callback_data: WhatChangedCB,
    bot: Bot,
    service: DigService,
    user_id: int,
) -> None:
    """The change report of this subscription now, through the outbox (see
    service.subscriptions.what_changed)."""
    await query.answer(texts.CHECKING_NOW)
    if query.message is None:
        return
    check = await what_changed.check_now(service, user_id, callback_data.username)
    if (reply := check_text(check)) is not None:
        await bot.send_message(query.message.chat.id, reply)


def make_router() -> Router:
    router = Router(name="subscriptions")
    router.message.register(subscribe_command, Command("subscribe"))
    router.message.register(unsubscribe_command, Command("unsubscribe"))
    router.message.register(subscriptions_command, Command("subscriptions"))
    router.callback_query.register(subscribe_button, SubscribeCB.filter())
    router.callback_query.register(unsubscribe_button, UnsubscribeCB.filter())
    router.callback_query.register(what_changed_button, WhatChangedCB.filter(), flags=OWN_ANSWER)
    return router
