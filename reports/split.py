"""Split Telegram HTML into messages that each fit a limit and are each valid HTML.

Lengths are counted in UTF-16 code units, as Telegram counts them, over the HTML source: the
text Telegram measures (after parsing the tags) is never longer, so a chunk that fits here fits
there too. A cut never falls inside a tag or an entity; tags open at a cut are closed at the end
of the chunk and opened again at the start of the next one.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

MESSAGE_LIMIT = 4096
CAPTION_LIMIT = 1024

_ATOM = re.compile(r"<[^<>]*>|&(?:#\d+|#[xX][0-9a-fA-F]+|[A-Za-z][A-Za-z0-9]*);|.", re.DOTALL)
_TAG = re.compile(r"<(/?)([A-Za-z][A-Za-z0-9-]*)[^>]*?(/?)>")
_BREAKS = ("\n\n", "\n", "")
"""Whitespace cuts in order of preference: paragraph, line, any space."""


def utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


@dataclass(frozen=True)
class _Tag:
    name: str
    opening: str
    """The opening tag as written (attributes included), to open it again in the next chunk."""


def _closing(stack: list[_Tag]) -> str:
    return "".join(f"</{tag.name}>" for tag in reversed(stack))


def _apply(stack: list[_Tag], atom: str) -> None:
    """Track which tags are open after `atom`."""
    match = _TAG.fullmatch(atom)
    if match is None or match.group(3):
        return
    closing, name = match.group(1), match.group(2).lower()
    if not closing:
        stack.append(_Tag(name, atom))
        return
    for depth in range(len(stack) - 1, -1, -1):
        if stack[depth].name == name:
            del stack[depth:]
            return


def _split_once(text: str, limit: int) -> tuple[str, str]:
    """The longest clean first chunk of `text` (at most `limit`) and the rest, as valid HTML.

    Prefers to cut at the last paragraph break, then line break, that leaves the chunk at least
    half full, then at the last space; else cuts hard at the last position outside tags and
    entities. The whitespace at a cut is dropped; a chunk always has some visible text.
    """
    atoms = _ATOM.findall(text)
    stack: list[_Tag] = []
    used = 0
    has_text = False
    cuts: dict[str, tuple[int, list[_Tag]]] = {}
    """Preference ('\n\n', '\n', '' for a space, 'hard') -> the last cut of that kind seen:
    the index of the atom the cut comes before, and the tags open there."""
    for index, atom in enumerate(atoms):
        if has_text and used + utf16_len(_closing(stack)) <= limit:
            cuts["hard"] = (index, list(stack))
            if atom.isspace() and not atoms[index - 1].isspace():
                run = "".join(_whitespace_run(atoms, index))
                kind = next(kind for kind in _BREAKS if kind in run)
                if kind == "" or used >= limit // 2:
                    cuts[kind] = (index, list(stack))
        used += utf16_len(atom)
        if used > limit:
            break
        _apply(stack, atom)
        has_text = has_text or not (atom.isspace() or _TAG.fullmatch(atom))
    else:
        return text, ""
    chosen = next((kind for kind in (*_BREAKS, "hard") if kind in cuts), None)
    if chosen is None:
        raise ValueError(f"cannot split this HTML into chunks of {limit} (its tags are too long)")
    index, open_tags = cuts[chosen]
    head = "".join(atoms[:index]) + _closing(open_tags)
    rest_start = index + len(_whitespace_run(atoms, index))
    rest = "".join(tag.opening for tag in open_tags) + "".join(atoms[rest_start:])
    return head, rest


def _visible(html: str) -> str:
    return _TAG.sub("", html)


def _whitespace_run(atoms: list[str], start: int) -> list[str]:
    end = start
    while end < len(atoms) and atoms[end].isspace():
        end += 1
    return atoms[start:end]


def split_message(text: str, limit: int = MESSAGE_LIMIT) -> list[str]:
    """Telegram-HTML `text` as messages of at most `limit` UTF-16 units, each valid HTML.

    Cuts at paragraph breaks, else line breaks, else spaces, else anywhere outside a tag or an
    entity; the whitespace at a cut is dropped. An empty text gives no message.
    """
    chunks = []
    rest = text
    while _visible(rest).strip():
        head, rest = _split_once(rest, limit)
        chunks.append(head)
    return chunks


def split_caption(text: str, limit: int = CAPTION_LIMIT) -> tuple[str, str | None]:
    """A photo caption of at most `limit` and the rest (valid HTML) for a following message."""
    head, rest = _split_once(text, limit)
    return head, rest if _visible(rest).strip() else None
