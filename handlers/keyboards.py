"""Inline keyboards and the callback data behind their buttons (≤ 64 bytes, parsed strictly).

A button that acts for a person carries that person's user id (`owner`): in a group, or with
a forged update, someone else's press is refused by `handlers.ownership.OwnButtonsOnly`.
"""

from __future__ import annotations

from aiogram.filters.callback_data import CallbackData
from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup


class SubscribeCB(CallbackData, prefix="sub"):
    username: str
    period: str
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
    item: str
    owner: int


class WhyStyleCB(CallbackData, prefix="why"):
    token: str
    """The unguessable key of the photo kept in memory (service.photo_memory)."""


def why_style_keyboard(label: str, token: str) -> InlineKeyboardMarkup:
    """One button under a photo or album report: "Why <style>?" (its heat map)."""
    return InlineKeyboardMarkup(
        inline_keyboard=[
            [InlineKeyboardButton(text=label, callback_data=WhyStyleCB(token=token).pack())]
        ]
    )


def profile_keyboard(username: str, owner: int) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        inline_keyboard=[
            [
                InlineKeyboardButton(
                    text="🔔 Daily report",
                    callback_data=SubscribeCB(
                        username=username, period="daily", owner=owner
                    ).pack(),
                ),
                InlineKeyboardButton(
                    text="🗓 Weekly report",
                    callback_data=SubscribeCB(
                        username=username, period="weekly", owner=owner
                    ).pack(),
                ),
            ],
            [
                InlineKeyboardButton(
                    text="🔄 Analyse again",
                    callback_data=AnalyzeCB(username=username, owner=owner).pack(),
                )
            ],
        ]
    )


def _what_changed_button(username: str) -> InlineKeyboardButton:
    return InlineKeyboardButton(
        text="🔎 What changed?", callback_data=WhatChangedCB(username=username).pack()
    )


def change_report_keyboard(username: str) -> InlineKeyboardMarkup:
    """Under a change report (sent by the outbox): ask again later without waiting."""
    return InlineKeyboardMarkup(inline_keyboard=[[_what_changed_button(username)]])


def subscription_keyboard(username: str, period: str, owner: int) -> InlineKeyboardMarkup:
    other = "weekly" if period == "daily" else "daily"
    return InlineKeyboardMarkup(
        inline_keyboard=[
            [_what_changed_button(username)],
            [
                InlineKeyboardButton(
                    text=f"Make it {other}",
                    callback_data=SubscribeCB(username=username, period=other, owner=owner).pack(),
                ),
                InlineKeyboardButton(
                    text="Stop",
                    callback_data=UnsubscribeCB(username=username, owner=owner).pack(),
                ),
            ],
        ]
    )


def forget_keyboard(owner: int) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        inline_keyboard=[
            [
                InlineKeyboardButton(
                    text="🗑 Yes, delete everything",
                    callback_data=ForgetCB(confirm=True, owner=owner).pack(),
                ),
                InlineKeyboardButton(
                    text="Cancel", callback_data=ForgetCB(confirm=False, owner=owner).pack()
                ),
            ]
        ]
    )


def start_keyboard(owner: int) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        inline_keyboard=[
            [
                InlineKeyboardButton(
                    text="📖 Help", callback_data=MenuCB(item="help", owner=owner).pack()
                ),
                InlineKeyboardButton(
                    text="🔒 Privacy", callback_data=MenuCB(item="privacy", owner=owner).pack()
                ),
            ],
            [
                InlineKeyboardButton(
                    text="🔔 My subscriptions",
                    callback_data=MenuCB(item="subscriptions", owner=owner).pack(),
                )
            ],
        ]
    )
