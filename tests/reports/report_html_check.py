"""Checks that a string is Telegram HTML as reports produce it: only <b>, <i>, <code>, balanced
and properly nested, and every '&' the start of an entity."""

from __future__ import annotations

import re
from html.parser import HTMLParser

ALLOWED = {"b", "i", "code"}
ENTITY = re.compile(r"&(?:lt|gt|amp|quot|#\d+|#x[0-9a-fA-F]+);")
TAG = re.compile(r"<[^<>]*>")


class _Checker(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=False)
        self.stack: list[str] = []
        self.errors: list[str] = []
        self.styled: list[tuple[str, frozenset[str]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in ALLOWED:
            self.errors.append(f"tag <{tag}> is not allowed")
        self.stack.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if not self.stack or self.stack[-1] != tag:
            self.errors.append(f"</{tag}> closes {self.stack[-1:] or 'nothing'}")
        else:
            self.stack.pop()

    def handle_data(self, data: str) -> None:
        active = frozenset(self.stack)
        self.styled += [(char, active) for char in data if not char.isspace()]

    def handle_entityref(self, name: str) -> None:
        self.styled.append((f"&{name};", frozenset(self.stack)))

    def handle_charref(self, name: str) -> None:
        self.styled.append((f"&#{name};", frozenset(self.stack)))


def html_errors(text: str) -> list[str]:
    checker = _Checker()
    checker.feed(text)
    checker.close()
    errors = list(checker.errors)
    if checker.stack:
        errors.append(f"unclosed {checker.stack}")
    bare = [m.start() for m in re.finditer("&", text) if not ENTITY.match(text, m.start())]
    if bare:
        errors.append(f"bare '&' at {bare[:5]}")
    return errors


def styled_chars(text: str) -> list[tuple[str, frozenset[str]]]:
    """Every visible non-space character (entities as one) with the tags active on it."""
    checker = _Checker()
    checker.feed(text)
    checker.close()
    return checker.styled


def plain(text: str) -> str:
    """The text with its tags removed (entities kept as written)."""
    return TAG.sub("", text)


HOSTILE = '<script>alert("x")</script> Tom & Jerry'
"""User or Instagram text that must come out escaped."""


def assert_valid(message: str) -> None:
    """A non-empty message of valid report HTML that fits one Telegram message."""
    assert message.strip()
    assert html_errors(message) == []
    assert len(message) <= 4096
