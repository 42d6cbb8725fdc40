"""Telegram HTML pieces shared by the report texts.

Only <b>, <i> and <code> tags are produced, and every piece of user, Instagram or analyzer text
goes through `escaped` (html.escape). Long texts are cut into messages with reports/split.py.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from html import escape

from reports.names import analyzer_name


def escaped(text: str) -> str:
    return escape(text, quote=False)


def sentence(text: str) -> str:
    """Capitalised, ending with a full stop."""
    text = text.strip()
    return text[:1].upper() + text[1:] + ("" if text.endswith((".", "!", "?")) else ".")


def unavailable_lines(unavailable: Mapping[str, str], hidden: Collection[str] = ()) -> str:
    lines = [
        f"{escaped(analyzer_name(name))}: not available ({escaped(reason)})"
        for name, reason in unavailable.items()
        if name not in hidden
    ]
    return "\n".join(lines)
