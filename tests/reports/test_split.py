"""split_message / split_caption: each chunk fits and is valid HTML; nothing lost or restyled."""

from __future__ import annotations

import random

import pytest
from report_html_check import html_errors, plain, styled_chars

from reports.split import split_caption, split_message


def utf16_len(text: str) -> int:
    """Telegram counts UTF-16 code units (an emoji like 🌃 is two)."""
    return len(text.encode("utf-16-le")) // 2


WORDS = ["night", "city", "&amp;", "lights", "&lt;tag&gt;", "über", "🌃", "coffee", "a"]


def long_html(seed: int, size: int = 20_000) -> str:
    """Paragraphs and lines of words, with <b>/<i>/<code> spans that cross every kind of break."""
    rng = random.Random(seed)
    parts: list[str] = []
    open_tags: list[str] = []
    length = 0
    while length < size:
        roll = rng.random()
        if roll < 0.04 and len(open_tags) < 2:
            tag = rng.choice([t for t in ("b", "i", "code") if t not in open_tags])
            open_tags.append(tag)
            piece = f"<{tag}>"
        elif roll < 0.08 and open_tags:
            piece = f"</{open_tags.pop()}>"
        else:
            piece = rng.choice(WORDS) + rng.choice([" "] * 12 + ["\n"] * 2 + ["\n\n"])
        parts.append(piece)
        length += len(piece)
    parts += [f"</{tag}>" for tag in reversed(open_tags)]
    return "".join(parts)


def assert_clean_split(original: str, chunks: list[str], limit: int) -> None:
    assert chunks
    for chunk in chunks:
        assert utf16_len(chunk) <= limit and len(chunk) <= limit
        assert html_errors(chunk) == [], chunk
        assert plain(chunk).strip(), "a chunk with nothing to read"
    # Same characters with the same formatting, in the same order...
    assert [c for chunk in chunks for c in styled_chars(chunk)] == styled_chars(original)
    # ...and the text is the original's, less only whitespace at the cuts.
    text, position = plain(original), 0
    for chunk in chunks:
        piece = plain(chunk)
        while not text.startswith(piece, position) and text[position].isspace():
            position += 1
        assert text.startswith(piece, position), (position, piece[:40])
        position += len(piece)
    assert not text[position:].strip()


@pytest.mark.parametrize("seed", [1, 2, 3])
@pytest.mark.parametrize("limit", [4096, 1024, 200])
def test_split_20000_chars(seed: int, limit: int) -> None:
    original = long_html(seed)
    assert len(original) >= 20_000 and html_errors(original) == []
    chunks = split_message(original, limit)
    assert_clean_split(original, chunks, limit)
    assert len(chunks) >= utf16_len(original) // limit


def test_prefers_paragraph_breaks() -> None:
    paragraphs = [f"<b>Part {i}</b>\n" + ("word " * 180).strip() for i in range(12)]
    original = "\n\n".join(paragraphs)
    chunks = split_message(original, 4096)
    assert_clean_split(original, chunks, 4096)
    for chunk in chunks:
        assert chunk.startswith("<b>Part ") and chunk.endswith("word")
        assert len(chunk) > 2048, "a chunk left more than half empty"


def test_falls_back_to_line_breaks_then_spaces() -> None:
    line = ("line " * 30).strip()
    for chunk in split_message("\n".join([line] * 200), 1000):
        assert all(part == line for part in chunk.split("\n")), "a line was cut"
    spaces = " ".join(["word"] * 3000)
    assert all(chunk.endswith("word") for chunk in split_message(spaces, 1000))


@pytest.mark.parametrize(
    "original",
    [
        "x" * 10_000,
        "<b>" + "y" * 9_000 + "</b> tail",
        "short " + "z" * 5_000 + " words " + "w" * 4_100,
        "&amp;" * 3_000,
        "<i>" + "😀" * 5_000 + "</i>",
        "<code>" + "&lt;a&gt;" * 1_500 + "</code>",
    ],
)
def test_long_words_are_cut_outside_tags_and_entities(original: str) -> None:
    chunks = split_message(original, 4096)
    assert len(chunks) >= 2
    assert_clean_split(original, chunks, 4096)


def test_short_and_empty_texts() -> None:
    assert split_message("<b>hi</b> there") == ["<b>hi</b> there"]
    assert split_message("") == []
    assert split_message(" \n\n ") == []


def test_impossible_limit_is_an_error() -> None:
    with pytest.raises(ValueError):
        split_message("<code>" + "x" * 50 + "</code>", 12)


def test_split_caption() -> None:
    assert split_caption("<b>short</b>") == ("<b>short</b>", None)
    original = long_html(5, size=3_000)
    caption, rest = split_caption(original)
    assert rest is not None
    assert utf16_len(caption) <= 1024
    assert html_errors(caption) == [] and html_errors(rest) == []
    assert styled_chars(caption) + styled_chars(rest) == styled_chars(original)
