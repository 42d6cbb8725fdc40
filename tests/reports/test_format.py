"""The one formatter of numbers, percentages, hours and scores."""

from __future__ import annotations

import pytest

from analyzers.types import PopularityResult
from reports import format as fmt


def test_numbers_have_separators_and_units() -> None:
    assert fmt.number(1594.4) == "1,594"
    assert fmt.number(500000) == "500,000"
    assert fmt.count(292245, "like") == "292,245 likes"
    assert fmt.count(1, "like") == "1 like"
    assert fmt.count(2, "reply", "replies") == "2 replies"
    assert fmt.axis_number(1_250_000, 0) == "1,250,000"


def test_percentages() -> None:
    assert fmt.percent(0.572) == "57%"
    assert fmt.percent(0.0491, 1) == "4.9%"
    assert fmt.percent(12.5) == "1,250%"


def test_hours_are_said_in_utc_in_text_and_chart() -> None:
    assert fmt.hour(4) == "04:00"
    assert fmt.HOUR_LABEL == "Hour of day (UTC)"
    hours = [0] * 24
    hours[23], hours[4], hours[0], hours[1], hours[2], hours[3] = 3, 2, 1, 1, 1, 1
    assert fmt.hours_sentence(hours) == "Posts most often around 04:00 and 23:00 UTC."


def test_an_hour_with_one_post_or_a_tie_at_the_cut_is_not_a_peak() -> None:
    ones = [0] * 24
    for h in (0, 5, 9, 13):
        ones[h] = 1
    assert fmt.hours_sentence(ones) == ""
    tied = [0] * 24
    tied[1], tied[2], tied[3], tied[4] = 5, 2, 2, 2  # the third place is a three-way tie
    assert fmt.hours_sentence(tied) == "Posts most often around 01:00 UTC."


def test_runners_up_below_five_percent_are_not_named() -> None:
    ranked = [("illustration", 0.001), ("selfie", 0.997), ("cute_animals", 0.002)]
    assert fmt.runners_up(ranked) == [("selfie", 0.997)]
    assert fmt.runners_up([("a", 0.5), ("b", 0.3), ("c", 0.06), ("d", 0.1)]) == [
        ("a", 0.5),
        ("b", 0.3),
        ("d", 0.1),
    ]


def _popularity(score: float, band: tuple[float, float], basis: str = "prior") -> PopularityResult:
    return PopularityResult(score=score, band=band, basis=basis, reliability="")


@pytest.mark.parametrize(
    ("score", "band", "basis", "words", "short"),
    [
        (0.64, (0.52, 0.74), "prior", "better than about 6 in 10 of typical posts", "~6 in 10"),
        (0.64, (0.52, 0.74), "personal", "6 in 10 of this account's posts", "~6 in 10"),
        (0.99, (0.9, 1.0), "prior", "about 9 in 10", "~9 in 10"),
        (0.01, (0.0, 0.1), "prior", "about 1 in 10", "~1 in 10"),
        (0.64, (0.26, 0.91), "prior", "can't tell from one photo", "can't tell"),
    ],
)
def test_a_score_is_said_in_words_or_not_at_all(
    score: float, band: tuple[float, float], basis: str, words: str, short: str
) -> None:
    result = _popularity(score, band, basis)
    assert words in fmt.popularity_words(result)
    assert short in fmt.popularity_short(result)
    assert f"{score:.2f}" not in fmt.popularity_words(result)
