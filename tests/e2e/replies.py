"""What end-to-end tests expect of the bot's messages: small predicates over message views."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from handlers import texts

View = dict[str, Any]
Matcher = Callable[[View], bool]


def says(fragment: str) -> Matcher:
    """A text message (no photo) containing `fragment`."""
    return lambda m: not m["photos"] and fragment in (m["text"] or "")


def a_photo(m: View) -> bool:
    return bool(m["photos"])


def report_text(m: View) -> bool:
    """A text that is not the bot's apology for a failure."""
    text = m["text"] or ""
    return not m["photos"] and bool(text) and texts.FAILED not in text


REPORT: tuple[Matcher, ...] = (says("Looking at your photo"), a_photo, report_text)
"""The answer to one photo: the status line, the chart, the summary."""


def at_least(count: int) -> Callable[[list[View]], bool]:
    return lambda messages: len(messages) >= count


def mismatch(expected: tuple[Matcher, ...], answer: list[View]) -> bool:
    """True unless `answer` has exactly one message per matcher, each matching, in order."""
    return len(answer) != len(expected) or not all(
        match(m) for match, m in zip(expected, answer, strict=True)
    )
