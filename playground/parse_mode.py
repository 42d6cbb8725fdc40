"""Text formatting as Telegram applies it: HTML parse_mode → plain text + entities.

Lengths are checked on the plain text (tags removed, character references decoded), counted in
Unicode code points; Telegram's own count is close to this (it counts UTF-16 units for entity
offsets, which we also produce). MarkdownV2/Markdown are accepted but not parsed: their length is
the raw length and they carry no entities (an approximation).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Any

from playground.errors import MAX_CAPTION, MAX_TEXT, bad_request

_TAG_ENTITY = {
    "b": "bold",
    "strong": "bold",
    "i": "italic",
    "em": "italic",
    "u": "underline",
    "ins": "underline",
    "s": "strikethrough",
    "strike": "strikethrough",
    "del": "strikethrough",
    "code": "code",
    "pre": "pre",
    "a": "text_link",
    "tg-spoiler": "spoiler",
    "span": "spoiler",
    "blockquote": "blockquote",
}
_COMMAND = re.compile(r"(?<![\w/])/[A-Za-z0-9_]{1,32}(?:@[A-Za-z0-9_]{3,32})?(?![\w/])")


def utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


@dataclass
class Formatted:
    """Message text as Telegram stores it."""

    text: str
    entities: list[dict[str, Any]] = field(default_factory=list)


class _EntityParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.units = 0  # in UTF-16 units
        self.stack: list[tuple[str, int, dict[str, Any]]] = []
        self.entities: list[dict[str, Any]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        kind = _TAG_ENTITY.get(tag)
        attributes = dict(attrs)
        if kind is None or (tag == "span" and attributes.get("class") != "tg-spoiler"):
            raise bad_request(f'can\'t parse entities: Unsupported start tag "{tag}"')
        extra: dict[str, Any] = {}
        if tag == "a":
            extra["url"] = attributes.get("href") or ""
        self.stack.append((tag, self.units, {"type": kind, **extra}))

    def handle_endtag(self, tag: str) -> None:
        if not self.stack or self.stack[-1][0] != tag:
            raise bad_request(f'can\'t parse entities: Unexpected end tag "{tag}"')
        _, start, entity = self.stack.pop()
        if self.units > start:
            self.entities.append({**entity, "offset": start, "length": self.units - start})

    def handle_data(self, data: str) -> None:
        self.parts.append(data)
        self.units += utf16_len(data)


def _command_entities(text: str) -> list[dict[str, Any]]:
    return [
        {
            "type": "bot_command",
            "offset": utf16_len(text[: m.start()]),
            "length": utf16_len(m.group()),
        }
        for m in _COMMAND.finditer(text)
    ]


def format_text(raw: str, parse_mode: str | None, entities: Any = None) -> Formatted:
    """Parse `raw` as Telegram would for `parse_mode`; also marks /commands like Telegram.

    Explicit `entities` (a list, sent instead of a parse_mode) are kept as given.
    """
    if not parse_mode and isinstance(entities, list):
        return Formatted(raw, entities)
    if parse_mode and parse_mode.lower() == "html":
        parser = _EntityParser()
        parser.feed(raw)
        parser.close()
        if parser.stack:
            raise bad_request(
                "can't parse entities: Can't find end tag corresponding to start tag "
                f'"{parser.stack[-1][0]}"'
            )
        plain, entities = "".join(parser.parts), parser.entities
    elif parse_mode and parse_mode.lower() not in ("markdown", "markdownv2"):
        raise bad_request(f"unsupported parse_mode {parse_mode!r}")
    else:
        plain, entities = raw, []
    stripped = plain.strip()
    if stripped != plain:  # Telegram trims surrounding white space; shift entities with it
        shift = utf16_len(plain[: len(plain) - len(plain.lstrip())])
        limit = utf16_len(stripped)
        entities = [
            {**e, "offset": max(e["offset"] - shift, 0)}
            for e in entities
            if e["offset"] - shift < limit
        ]
    entities = sorted(entities + _command_entities(stripped), key=lambda e: e["offset"])
    return Formatted(stripped, entities)


def check_text(raw: str | None, parse_mode: str | None, entities: Any = None) -> Formatted:
    """Formatted message text, or the 400 Telegram answers for empty / too long text."""
    formatted = format_text(raw or "", parse_mode, entities)
    if not formatted.text:
        raise bad_request("message text is empty")
    if len(formatted.text) > MAX_TEXT:
        raise bad_request("message is too long")
    return formatted


def check_caption(
    raw: str | None, parse_mode: str | None, entities: Any = None
) -> Formatted | None:
    """Formatted caption (None when absent/blank), or 400 when too long."""
    if not raw:
        return None
    formatted = format_text(raw, parse_mode, entities)
    if len(formatted.text) > MAX_CAPTION:
        raise bad_request("message caption is too long")
    return formatted if formatted.text else None
