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


def report_photo(m: View) -> bool:
    """A chart whose caption is the report's text (not the apology for a failure)."""
    text = m["text"] or ""
    return bool(m["photos"]) and bool(text) and texts.FAILED not in text


REPORT: tuple[Matcher, ...] = (report_photo,)
"""The answer to one photo: the chart with the summary as its caption; the status line that
said "Looking at your photo" is deleted once the answer is out."""


def at_least(count: int) -> Callable[[list[View]], bool]:
    return lambda messages: len(messages) >= count


def matching(expected: tuple[Matcher, ...]) -> Callable[[list[View]], bool]:
    """The answer is exactly `expected` (waiting on it lets a status line be deleted first)."""
    return lambda answer: not mismatch(expected, answer)


def mismatch(expected: tuple[Matcher, ...], answer: list[View]) -> bool:
    """True unless `answer` has exactly one message per matcher, each matching, in order."""
    return len(answer) != len(expected) or not all(
        match(m) for match, m in zip(expected, answer, strict=True)
    )
