import pytest

from instagram.errors import InvalidUsername
from instagram.usernames import looks_like_username, parse_username


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("natgeo", "natgeo"),
        ("NatGeo", "natgeo"),
        ("@natgeo", "natgeo"),
        ("  @nat.geo_  ", "nat.geo_"),
        ("_", "_"),
        ("a" * 30, "a" * 30),
        ("user.name_1", "user.name_1"),
        ("instagram.com/natgeo", "natgeo"),
        ("www.instagram.com/natgeo/", "natgeo"),
        ("https://www.instagram.com/natgeo/?hl=en", "natgeo"),
        ("http://instagram.com/NatGeo", "natgeo"),
        ("https://m.instagram.com/natgeo", "natgeo"),
        ("https://instagram.com/natgeo?igshid=abc123", "natgeo"),
        ("https://www.instagram.com/_u/natgeo/", "natgeo"),
        ("https://www.instagram.com/stories/natgeo/3123/", "natgeo"),
        ("instagr.am/natgeo", "natgeo"),
        ("https://instagr.am/natgeo/", "natgeo"),
    ],
)
def test_accepted(text: str, expected: str) -> None:
    assert parse_username(text) == expected
    assert looks_like_username(text)


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   ",
        "@",
        "a" * 31,
        "nat geo",
        "natgeо",  # Cyrillic 'о'
        "nаtgeo",  # Cyrillic 'а'
        "ｎａｔｇｅｏ",  # full-width
        "\u212aelvin",  # Kelvin sign: lower-cases to an ASCII 'k'
        "nat\u200bgeo",  # zero-width space
        "../etc",
        "../../etc/passwd",
        "..",
        ".",
        ".natgeo",
        "natgeo.",
        "nat..geo",
        "nat/geo",
        "nat\\geo",
        "natgeo'; DROP TABLE users;--",
        "' OR 1=1 --",
        "nat-geo",
        "@@natgeo",
        "https://evil.example/natgeo",
        "https://instagram.com.evil.example/natgeo",
        "instagram.com",
        "https://www.instagram.com/",
        "https://www.instagram.com/p/CI5REoqrS8V/",
        "https://www.instagram.com/reel/CI5REoqrS8V/",
        "ftp://instagram.com/natgeo",
        "file:///etc/passwd",
        "javascript:alert(1)",
        "nat\ngeo",
        "natgeo\x00",
    ],
)
def test_rejected(text: str) -> None:
    with pytest.raises(InvalidUsername) as caught:
        parse_username(text)
    assert not looks_like_username(text)
    assert "username" in caught.value.user_message


def test_rejection_does_not_echo_the_input_to_the_person() -> None:
    with pytest.raises(InvalidUsername) as caught:
        parse_username("x'; DROP TABLE users;--")
    assert "DROP" not in caught.value.user_message


def test_rejection_says_what_a_username_looks_like() -> None:
    with pytest.raises(InvalidUsername) as caught:
        parse_username("hello world")
    message = caught.value.user_message
    assert "30" in message and "instagram.com/" in message


def test_post_link_gets_its_own_explanation() -> None:
    with pytest.raises(InvalidUsername) as caught:
        parse_username("https://www.instagram.com/p/CI5REoqrS8V/")
    assert "post" in caught.value.user_message
