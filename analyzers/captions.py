"""Caption text handling shared by the personality and habits analyzers.

The public API is small:

- `split_hashtags(text) -> CaptionParts`: the caption's words with hashtags and mentions taken
  out, plus the hashtags and mentions (lower-case, without '#'/'@').
- `segment_hashtag(tag) -> str`: '#LoveMyLife' / 'lovemylife' -> 'love my life' (camel case first,
  then a word-frequency split; a tag that does not split into known words is kept whole).
- `clean_caption(text) -> str`: the caption as prose for a text model: URLs and mentions dropped,
  hashtags replaced by their words, emoji mapped to their CLDR names ('😂' -> 'face with tears of
  joy'), whitespace normalised.
- `detect_language(text) -> str | None`: ISO 639-1 code from langdetect (seeded, deterministic),
  or None when the text has too few letters to tell.
- `profile_text(posts) -> str`: every post's cleaned caption, one per line, with the post's
  hashtags that are not already in its caption appended as words.
- `count_words(text) -> int`.

Everything here is a pure function and safe to call from several threads.
"""

from __future__ import annotations

import math
import re
import threading
import unicodedata
from collections.abc import Iterable
from functools import cache
from typing import NamedTuple

import emoji
from langdetect import DetectorFactory, detect_langs
from langdetect.lang_detect_exception import LangDetectException

from analyzers.types import PostText

URL_RE = re.compile(r"(?:https?://|www\.)\S+", re.IGNORECASE)
HASHTAG_RE = re.compile(r"#(\w+)")
MENTION_RE = re.compile(r"(?<![\w.])@([\w.]+)")
_WORD_RE = re.compile(r"[^\W\d_]+(?:'[^\W\d_]+)?")
_CAMEL_RE = re.compile(r"[A-Z]+(?![a-z])|[A-Z]?[a-z]+|\d+")

MIN_LETTERS_FOR_LANGUAGE = 12
"""Below this many letters langdetect guesses (e.g. 'lol' -> Spanish): answer None instead."""

_SHORT_WORD_RANK = 150
_EXTRA_WORDS = ("a", "i", "instagram", "insta", "selfie", "selfies", "ootd", "tbt", "yolo", "bff")
"""Words hashtags use that the 2018 BERT vocabulary lacks or ranks among its fragments."""
_detect_lock = threading.Lock()


class CaptionParts(NamedTuple):
    text: str
    """The caption with URLs, hashtags and mentions removed, whitespace normalised."""
    hashtags: tuple[str, ...]
    mentions: tuple[str, ...]


def _squash(text: str) -> str:
    return " ".join(text.split())


def split_hashtags(text: str) -> CaptionParts:
    """Take the hashtags and mentions out of a caption (they come back lower-case, in order)."""
    text = URL_RE.sub(" ", text)
    hashtags = tuple(t.lower() for t in HASHTAG_RE.findall(text))
    mentions = tuple(m.rstrip(".").lower() for m in MENTION_RE.findall(text))
    rest = MENTION_RE.sub(" ", HASHTAG_RE.sub(" ", text))
    return CaptionParts(_squash(rest), hashtags, mentions)


@cache
def _word_costs() -> dict[str, float]:
    """-log-probability-like cost of each English word: log of its rank in the MiniLM vocab.

    The BERT uncased vocabulary lists whole words roughly by frequency after its special
    entries, so the rank is a usable Zipf estimate with no extra data file.
    """
    from analyzers.minilm import default_model_dir

    words = (default_model_dir() / "vocab.txt").read_text(encoding="utf-8").split("\n")
    costs: dict[str, float] = {}
    for rank, word in enumerate(words[1996:], start=1):
        # One- and two-letter entries are mostly fragments ('ta', 'ns'): keep only common ones.
        if word.isascii() and word.isalpha() and (len(word) > 2 or rank <= _SHORT_WORD_RANK):
            costs.setdefault(word, math.log(rank + 10))
    for word in _EXTRA_WORDS:
        costs.setdefault(word, math.log(1000))
    return costs


def _split_lower(tag: str) -> list[str] | None:
    """The cheapest split of a lower-case run of letters into known words, or None."""
    costs = _word_costs()
    best: list[tuple[float, int]] = [(0.0, 0)] + [(math.inf, 0)] * len(tag)
    for end in range(1, len(tag) + 1):
        for start in range(max(0, end - 20), end):
            cost = costs.get(tag[start:end])
            if cost is not None and best[start][0] + cost < best[end][0]:
                best[end] = (best[start][0] + cost, start)
    if math.isinf(best[-1][0]):
        return None
    words, end = [], len(tag)
    while end > 0:
        start = best[end][1]
        words.append(tag[start:end])
        end = start
    return words[::-1]


def segment_hashtag(tag: str) -> str:
    """The words of a hashtag: 'LoveMyLife' -> 'love my life', 'tbt2019' -> 'tbt 2019'."""
    words: list[str] = []
    for part in _CAMEL_RE.findall(tag.lstrip("#")):
        lower = part.lower()
        split = _split_lower(lower) if lower.isalpha() else None
        words.extend(split or [lower])
    return " ".join(words) if words else tag.lstrip("#").lower()


def _demojize(text: str) -> str:
    named = emoji.demojize(text, delimiters=(" ", " "))
    return re.sub(r"(?<=\w)_(?=\w)", " ", named) if named != text else text


def clean_caption(text: str) -> str:
    """A caption as English-like prose: hashtags become words, mentions and URLs go."""
    text = unicodedata.normalize("NFKC", text)
    text = URL_RE.sub(" ", text)
    text = MENTION_RE.sub(" ", text)
    text = HASHTAG_RE.sub(lambda m: " " + segment_hashtag(m.group(1)) + " ", text)
    return _squash(_demojize(text))


def count_words(text: str) -> int:
    """Words made of letters (numbers and punctuation do not count)."""
    return len(_WORD_RE.findall(text))


def detect_language(text: str) -> str | None:
    """The most likely language (ISO 639-1, e.g. 'en', 'fa', 'ru'), None if undecidable."""
    letters = sum(ch.isalpha() for ch in text)
    if letters < MIN_LETTERS_FOR_LANGUAGE:
        return None
    with _detect_lock:
        # Seeded once under the lock: langdetect's factory is global and lazily initialised.
        DetectorFactory.seed = 0
        try:
            return str(detect_langs(text)[0].lang)
        except LangDetectException:
            return None


def profile_text(posts: Iterable[PostText]) -> str:
    """One line per post with text: the cleaned caption plus hashtags it does not contain."""
    lines = []
    for post in posts:
        caption = clean_caption(post.caption)
        inline = {t.lower() for t in HASHTAG_RE.findall(post.caption)}
        extra = [segment_hashtag(t) for t in post.hashtags if t.lower() not in inline]
        line = _squash(" ".join([caption, *extra]))
        if line:
            lines.append(line)
    return "\n".join(lines)
