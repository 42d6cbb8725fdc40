"""Inline keyboards and the callback data behind their buttons (≤ 64 bytes, parsed strictly)."""

from __future__ import annotations

from aiogram.filters.callback_data import CallbackData
from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup


class SubscribeCB(CallbackData, prefix="sub"):
    username: str
    period: str


class UnsubscribeCB(CallbackData, prefix="unsub"):
    username: str


class WhatChangedCB(CallbackData, prefix="chg"):
    username: str


class AnalyzeCB(CallbackData, prefix="an"):
    username: str


class ForgetCB(CallbackData, prefix="forget"):
    confirm: bool


class MenuCB(CallbackData, prefix="menu"):
    item: str


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


def profile_keyboard(username: str) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        inline_keyboard=[
            [
                InlineKeyboardButton(
                    text="🔔 Daily report",
                    callback_data=SubscribeCB(username=username, period="daily").pack(),
                ),
                InlineKeyboardButton(
                    text="🗓 Weekly report",
                    callback_data=SubscribeCB(username=username, period="weekly").pack(),
                ),
            ],
            [
                InlineKeyboardButton(
                    text="🔄 Analyse again", callback_data=AnalyzeCB(username=username).pack()
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


def subscription_keyboard(username: str, period: str) -> InlineKeyboardMarkup:
    other = "weekly" if period == "daily" else "daily"
    return InlineKeyboardMarkup(
        inline_keyboard=[
            [_what_changed_button(username)],
            [
                InlineKeyboardButton(
                    text=f"Make it {other}",
                    callback_data=SubscribeCB(username=username, period=other).pack(),
                ),
                InlineKeyboardButton(
                    text="Stop", callback_data=UnsubscribeCB(username=username).pack()
                ),
            ],
        ]
    )


def forget_keyboard() -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        inline_keyboard=[
            [
                InlineKeyboardButton(
                    text="🗑 Yes, delete everything", callback_data=ForgetCB(confirm=True).pack()
                ),
                InlineKeyboardButton(text="Cancel", callback_data=ForgetCB(confirm=False).pack()),
            ]
        ]
    )


def start_keyboard() -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        inline_keyboard=[
            [
                InlineKeyboardButton(text="📖 Help", callback_data=MenuCB(item="help").pack()),
                InlineKeyboardButton(
                    text="🔒 Privacy", callback_data=MenuCB(item="privacy").pack()
                ),
            ],
            [
                InlineKeyboardButton(
                    text="🔔 My subscriptions", callback_data=MenuCB(item="subscriptions").pack()
                )
            ],
        ]
    )
