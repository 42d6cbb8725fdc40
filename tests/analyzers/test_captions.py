"""Caption handling: hashtags, mentions, emoji, URLs, empty captions, languages."""

from __future__ import annotations

import pytest

from analyzers.captions import (
    clean_caption,
    count_words,
    detect_language,
    profile_text,
    segment_hashtag,
    split_hashtags,
)
from analyzers.types import PostText


@pytest.mark.parametrize(
    ("tag", "words"),
    [
        ("lovemylife", "love my life"),
        ("#LoveMyLife", "love my life"),
        ("photooftheday", "photo of the day"),
        ("catsofinstagram", "cats of instagram"),
        ("nofilter", "no filter"),
        ("therapist", "therapist"),
        ("tbt2019", "tbt 2019"),
        ("xqzvvk", "xqzvvk"),
    ],
)
def test_segment_hashtag(tag: str, words: str) -> None:
    assert segment_hashtag(tag) == words


def test_split_hashtags_takes_out_tags_mentions_and_urls() -> None:
    parts = split_hashtags("Sunset with @Jane.Doe. #Beach #LoveMyLife https://t.co/x1 ok")
    assert parts.text == "Sunset with ok"
    assert parts.hashtags == ("beach", "lovemylife")
    assert parts.mentions == ("jane.doe",)


def test_split_hashtags_keeps_email_addresses_out_of_mentions() -> None:
    assert split_hashtags("write to me@example.com").mentions == ()


def test_clean_caption_maps_emoji_drops_mentions_and_urls() -> None:
    cleaned = clean_caption("Best day 😂 with @john_doe www.example.com/x #sunsetlovers")
    assert cleaned == "Best day face with tears of joy with sunset lovers"


@pytest.mark.parametrize("caption", ["", "   ", "@someone", "https://example.com"])
def test_clean_caption_of_nothing_is_empty(caption: str) -> None:
    assert clean_caption(caption) == ""


def test_profile_text_adds_hashtags_not_in_caption_and_skips_empty_posts() -> None:
    posts = [
        PostText("Morning run #fitlife", ("fitlife", "gymlife")),
        PostText(""),
        PostText("", ("coffee",)),
    ]
    assert profile_text(posts) == "Morning run fit life gym life\ncoffee"


def test_count_words_counts_letters_only() -> None:
    assert count_words("I can't wait!! 2024 :) face with tears") == 6


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("What a wonderful evening with my friends at the lake", "en"),
        ("امروز با دوستانم به کوه رفتیم و هوا عالی بود", "fa"),
        ("Сегодня мы гуляли в парке, погода была прекрасная", "ru"),
        ("Hoy fuimos a la playa con mis amigos y fue increíble", "es"),
    ],
)
def test_detect_language(text: str, language: str) -> None:
    assert detect_language(text) == language


def test_detect_language_refuses_to_guess_on_tiny_text() -> None:
    assert detect_language("lol 😂") is None
    assert detect_language("") is None


def test_detect_language_is_deterministic() -> None:
    text = "ciao bella vita"  # short and ambiguous: unseeded langdetect varies between calls
    assert len({detect_language(text) for _ in range(10)}) == 1
