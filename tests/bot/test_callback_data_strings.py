"""The callback_data strings of every button, pinned: a button sent before an upgrade (or by the
other runtime) must still be understood after it, so these bytes never change by accident."""

from __future__ import annotations

from aiogram.types import InlineKeyboardMarkup

from handlers import keyboards


def pressed(markup: InlineKeyboardMarkup) -> list[list[tuple[str, str | None]]]:
    return [[(b.text, b.callback_data) for b in row] for row in markup.inline_keyboard]


def test_profile_buttons() -> None:
    assert pressed(keyboards.profile_keyboard("natgeo", 42)) == [
        [("🔔 Daily report", "sub:natgeo:daily:42"), ("🗓 Weekly report", "sub:natgeo:weekly:42")],
        [("🔄 Analyse again", "an:natgeo:42")],
    ]


def test_subscription_buttons() -> None:
    assert pressed(keyboards.subscription_keyboard("natgeo", keyboards.Period.DAILY, 42)) == [
        [("🔎 What changed?", "chg:natgeo")],
        [("Make it weekly", "sub:natgeo:weekly:42"), ("Stop", "unsub:natgeo:42")],
    ]
    assert pressed(keyboards.subscription_keyboard("nasa", keyboards.Period.WEEKLY, 7))[1][0] == (
        "Make it daily",
        "sub:nasa:daily:7",
    )


def test_change_report_button() -> None:
    assert pressed(keyboards.change_report_keyboard("natgeo")) == [
        [("🔎 What changed?", "chg:natgeo")]
    ]


def test_forget_buttons() -> None:
    assert pressed(keyboards.forget_keyboard(42)) == [
        [("🗑 Yes, delete everything", "forget:1:42"), ("Cancel", "forget:0:42")]
    ]


def test_start_menu_buttons() -> None:
    assert pressed(keyboards.start_keyboard(42)) == [
        [("📖 Help", "menu:help:42"), ("🔒 Privacy", "menu:privacy:42")],
        [("🔔 My subscriptions", "menu:subscriptions:42")],
    ]


def test_why_style_button() -> None:
    assert pressed(keyboards.why_style_keyboard("🔍 Why food?", "tok_EN-1")) == [
        [("🔍 Why food?", "why:tok_EN-1")]
    ]
