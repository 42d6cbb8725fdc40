"""Inline keyboards and the callback data behind their buttons (≤ 64 bytes, parsed strictly).

A button that acts for a person carries that person's user id (`owner`): in a group, or with
a forged update, someone else's press is refused by `handlers.ownership.OwnButtonsOnly`.
The packed strings are pinned by tests/bot/test_callback_data_strings.py: a button sent before
an upgrade must still be understood after it.
"""

from __future__ import annotations

from enum import StrEnum

from aiogram.filters.callback_data import CallbackData
from aiogram.types import InlineKeyboardMarkup
from aiogram.utils.keyboard import InlineKeyboardBuilder


class Period(StrEnum):
    """How often a subscription reports."""

    DAILY = "daily"
    WEEKLY = "weekly"

    @property
    def other(self) -> Period:
        return Period.WEEKLY if self is Period.DAILY else Period.DAILY


class MenuItem(StrEnum):
    """The start menu's buttons; a press naming anything else is a stale or forged button."""

    HELP = "help"
    PRIVACY = "privacy"
    SUBSCRIPTIONS = "subscriptions"


class SubscribeCB(CallbackData, prefix="sub"):
    username: str
    period: Period
    owner: int


class UnsubscribeCB(CallbackData, prefix="unsub"):
    username: str
    owner: int


class WhatChangedCB(CallbackData, prefix="chg"):
    username: str


class AnalyzeCB(CallbackData, prefix="an"):
    username: str
    owner: int


class ForgetCB(CallbackData, prefix="forget"):
    confirm: bool
    owner: int


class MenuCB(CallbackData, prefix="menu"):
    item: MenuItem
    owner: int


class WhyStyleCB(CallbackData, prefix="why"):
    token: str
    """The unguessable key of the photo kept in memory (service.photo_memory)."""


def why_style_keyboard(label: str, token: str) -> InlineKeyboardMarkup:
    """One button under a photo or album report: "Why <style>?" (its heat map)."""
    builder = InlineKeyboardBuilder()
    builder.button(text=label, callback_data=WhyStyleCB(token=token))
    return builder.as_markup()


def profile_keyboard(username: str, owner: int) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    builder.button(
        text="🔔 Daily report",
        callback_data=SubscribeCB(username=username, period=Period.DAILY, owner=owner),
    )
    builder.button(
        text="🗓 Weekly report",
        callback_data=SubscribeCB(username=username, period=Period.WEEKLY, owner=owner),
    )
    builder.button(text="🔄 Analyse again", callback_data=AnalyzeCB(username=username, owner=owner))
    builder.adjust(2, 1)
    return builder.as_markup()


def change_report_keyboard(username: str) -> InlineKeyboardMarkup:
    """Under a change report (sent by the outbox): ask again later without waiting."""
    builder = InlineKeyboardBuilder()
    builder.button(text="🔎 What changed?", callback_data=WhatChangedCB(username=username))
    return builder.as_markup()


def subscription_keyboard(username: str, period: Period, owner: int) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder.from_markup(change_report_keyboard(username))
    builder.button(
        text=f"Make it {period.other}",
        callback_data=SubscribeCB(username=username, period=period.other, owner=owner),
    )
    builder.button(text="Stop", callback_data=UnsubscribeCB(username=username, owner=owner))
    builder.adjust(1, 2)
    return builder.as_markup()


def forget_keyboard(owner: int) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    builder.button(
        text="🗑 Yes, delete everything", callback_data=ForgetCB(confirm=True, owner=owner)
    )
    builder.button(text="Cancel", callback_data=ForgetCB(confirm=False, owner=owner))
    return builder.as_markup()


def start_keyboard(owner: int) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    builder.button(text="📖 Help", callback_data=MenuCB(item=MenuItem.HELP, owner=owner))
    builder.button(text="🔒 Privacy", callback_data=MenuCB(item=MenuItem.PRIVACY, owner=owner))
    builder.button(
        text="🔔 My subscriptions",
        callback_data=MenuCB(item=MenuItem.SUBSCRIPTIONS, owner=owner),
    )
    builder.adjust(2, 1)
    return builder.as_markup()
