"""The habits analyzer: rhythm from timestamps, interests from text and photo styles, evidence."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np
import pytest

from analyzers.habits import (
    MAX_EVIDENCE,
    MAX_QUOTE,
    HabitsAnalyzer,
    habits_from_posts,
    interests_in_text,
    rhythm_stats,
)
from analyzers.types import (
    DecodedImage,
    Habit,
    HabitsResult,
    PhotoContext,
    PostInput,
    PostText,
    ProfileInput,
    StyleResult,
)

REPO = Path(__file__).resolve().parents[2]
MONDAY = datetime(2024, 1, 1, tzinfo=UTC)  # 2024-01-01 is a Monday


def _photo(top: str | None = None, confidence: float = 0.9) -> PhotoContext:
    photo = PhotoContext(DecodedImage(np.zeros((2, 2, 3), np.uint8), (2, 2), "JPEG"))
    if top is not None:
        photo.results["style"] = StyleResult({top: confidence}, top, confidence)
    return photo


def _post(
    caption: str = "",
    when: datetime = MONDAY,
    hashtags: tuple[str, ...] = (),
    photos: list[PhotoContext] | None = None,
) -> PostInput:
    return PostInput(
        shortcode=f"p{when.timestamp():.0f}",
        taken_at=when,
        likes=0,
        comments=0,
        text=PostText(caption, hashtags),
        is_video=False,
        photos=photos or [],
    )


def _at(days: list[float], hour: int) -> list[PostInput]:
    return [_post(when=MONDAY + timedelta(days=d, hours=hour)) for d in days]


def _by_name(result: HabitsResult) -> dict[str, Habit]:
    return {h.name: h for h in result.habits}


# --- rhythm -------------------------------------------------------------------------------------


def test_night_owl_and_histogram() -> None:
    posts = _at([0, 1, 2, 3, 4, 5], hour=23) + _at([6, 7], hour=14)
    result = habits_from_posts(posts)
    habits = _by_name(result)
    assert result.posting_hours[23] == 6 and result.posting_hours[14] == 2
    assert sum(result.posting_hours) == 8 and len(result.posting_hours) == 24
    assert habits["night_owl"].strength == pytest.approx(6 / 8)
    assert "6 of 8 posts between 22:00 and 04:00 (UTC)" in habits["night_owl"].evidence
    assert "early_bird" not in habits


def test_early_bird_not_night_owl() -> None:
    habits = _by_name(habits_from_posts(_at([0, 1, 2, 3, 4, 5, 6], hour=6)))
    assert habits["early_bird"].strength == pytest.approx(1.0)
    assert "night_owl" not in habits


def test_utc_offset_moves_hours_and_is_named() -> None:
    posts = _at([0, 1, 2, 3, 4], hour=20)
    assert "night_owl" not in _by_name(habits_from_posts(posts))
    shifted = HabitsAnalyzer(utc_offset_hours=3.5).analyze(ProfileInput("x", None, None, posts))
    assert shifted.posting_hours[23] == 5
    assert "(UTC+3:30)" in _by_name(shifted)["night_owl"].evidence[0]


def test_weekend_and_weekday_posters() -> None:
    saturdays = _at([5, 6, 12, 13, 19], hour=12)  # Sat, Sun, Sat, Sun, Sat
    habits = _by_name(habits_from_posts(saturdays))
    assert habits["weekend_poster"].strength == pytest.approx(1.0)
    weekdays = _at([0, 1, 2, 3, 4, 7, 8, 9, 10, 11], hour=12)
    habits = _by_name(habits_from_posts(weekdays))
    assert "weekend_poster" not in habits
    assert habits["weekday_poster"].strength == pytest.approx(1.0)


def test_regular_and_frequent_posting() -> None:
    daily = _by_name(habits_from_posts(_at(list(range(8)), hour=12)))
    assert daily["regular_poster"].strength == pytest.approx(1.0)
    assert daily["frequent_poster"].strength == pytest.approx(1.0)
    assert "median gap 1.0 days over 8 posts" in daily["regular_poster"].evidence

    bursts = _by_name(habits_from_posts(_at([0, 0.5, 30, 30.5, 90, 90.2], hour=12)))
    assert "regular_poster" not in bursts

    stats = rhythm_stats([MONDAY + timedelta(days=d) for d in (0, 1, 3)])
    assert stats.median_gap_days == pytest.approx(1.5)
    assert stats.gap_cv == pytest.approx(0.5 / 1.5)


def test_few_posts_give_hours_but_no_rhythm_habit() -> None:
    result = habits_from_posts(_at([0, 1, 2], hour=23))
    assert result.posting_hours[23] == 3
    assert result.habits == []


def test_naive_timestamps_are_utc() -> None:
    naive = [datetime(2024, 1, 1, 23) + timedelta(days=d) for d in range(5)]
    aware = [t.replace(tzinfo=UTC) for t in naive]
    assert rhythm_stats(naive) == rhythm_stats(aware)


# --- interests ----------------------------------------------------------------------------------


def test_words_plurals_and_forms() -> None:
    found = interests_in_text("Went hiking with my puppies, then studied for finals")
    assert {"nature", "fitness", "pets", "studying"} <= found.keys()


def test_word_boundaries_and_idioms() -> None:
    text = "A category of artificial scatter plots: food for thought, state of the art"
    assert interests_in_text(text) == {}


def test_phrase_takes_its_words() -> None:
    found = interests_in_text("book club tonight")
    assert "studying" in found and "nightlife" not in found


def test_hashtags_split_into_words() -> None:
    found = interests_in_text("Monday mood", hashtags=("CoffeeTime", "travelgram", "raptor"))
    assert found["coffee"] == ["#coffeetime"]
    assert found["travel"] == ["#travelgram"]
    assert "music" not in found  # 'rap' cut out of '#raptor' is not trusted


def test_inline_hashtags_and_emoji() -> None:
    found = interests_in_text("Sunday ☕️ with this one 🐶 #dogsofinstagram")
    assert found["coffee"] == ["☕"]
    assert found["pets"] == ["#dogsofinstagram", "🐶"]


def test_persian_caption_only_through_hashtags() -> None:
    assert interests_in_text("پیروزی آبی پوشان برابر گل گهر") == {}
    assert "fitness" in interests_in_text("پیروزی آبی پوشان #ورزشی")


def test_evidence_quotes_are_short_and_centred() -> None:
    caption = "x" * 200 + " I finally went to the gym today " + "y" * 200
    (quote,) = interests_in_text(caption)["fitness"]
    assert len(quote) <= MAX_QUOTE
    assert "gym" in quote and quote.startswith('"…') and quote.endswith('…"')
    assert interests_in_text("gym")["fitness"] == ['"gym"']
    # An idiom blanked out before the cue keeps the quote aligned on the cue.
    shifted = "Food for thought " * 6 + "then dinner at the best ramen place in town " + "z" * 80
    quote = interests_in_text(shifted)["food"][0]
    assert "dinner" in quote and len(quote) <= MAX_QUOTE


def test_one_quote_per_passage_however_many_cues_it_holds() -> None:
    near = "Quiet Sunday at home, cooking soup and cleaning the flat. Sometimes doing nothing"
    (quote,) = interests_in_text(near)["food"]
    assert "cooking soup" in quote
    far = "Cooking all morning for the family. " + "x" * 120 + " and the soup was worth it."
    first, second = interests_in_text(far)["food"]
    assert "Cooking" in first and "soup" in second


def test_empty_captions_and_no_posts() -> None:
    assert interests_in_text("") == {}
    assert habits_from_posts([_post(""), _post("   ")]).habits == []
    empty = HabitsAnalyzer().analyze(ProfileInput("nobody", None, None, []))
    assert empty == HabitsResult(habits=[], posting_hours=[0] * 24)


# --- profile level ------------------------------------------------------------------------------


def _profile(captions: list[str]) -> list[PostInput]:
    return [_post(c, MONDAY - timedelta(days=i, hours=i)) for i, c in enumerate(captions)]


def test_strength_is_share_of_posts_with_a_minimum_count() -> None:
    one = _by_name(habits_from_posts(_profile(["coffee first", "a", "b", "c", "d"])))
    assert "coffee" not in one
    two = _by_name(habits_from_posts(_profile(["coffee first", "latte art", "b", "c", "d"])))
    assert two["coffee"].strength == pytest.approx(2 / 5)
    assert two["coffee"].evidence[:2] == ['"coffee first"', '"latte art"']


def test_evidence_is_capped_and_habits_sorted() -> None:
    captions = [f"pizza night number {i}" for i in range(6)] + ["gym", "gym again", "x", "y"]
    result = habits_from_posts(_profile(captions))
    food = _by_name(result)["food"]
    assert len(food.evidence) == MAX_EVIDENCE
    assert all(len(e) <= MAX_QUOTE for h in result.habits for e in h.evidence)
    strengths = [h.strength for h in result.habits]
    assert strengths == sorted(strengths, reverse=True)
    assert all(0.0 <= s <= 1.0 for s in strengths)


def test_photo_styles_are_cues() -> None:
    posts = [
        _post("", MONDAY, photos=[_photo("food", 0.8)]),
        _post("", MONDAY + timedelta(hours=1), photos=[_photo("food", 0.7), _photo("sports")]),
        _post("", MONDAY + timedelta(hours=2), photos=[_photo("cute_animals", 0.3)]),
        _post("", MONDAY + timedelta(hours=3), photos=[_photo("cute_animals", 0.3)]),
        _post("", MONDAY + timedelta(hours=4), photos=[_photo("lonely", 0.99), _photo()]),
    ]
    habits = _by_name(habits_from_posts(posts))
    assert habits["food"].strength == pytest.approx(2 / 5)
    assert habits["food"].evidence[0] == "photo style: food"
    assert "pets" not in habits  # below the style confidence threshold
    assert "fitness" not in habits  # one post only


def test_deterministic() -> None:
    posts = _profile(["Beach day #travel ✈️", "hiking again", "new song on repeat", "flight home"])
    profile = ProfileInput("x", 1, 1, posts)
    first = HabitsAnalyzer().analyze(profile)
    assert all(HabitsAnalyzer().analyze(profile) == first for _ in range(3))
    assert HabitsAnalyzer.name == "habits"


# --- the evaluation reproduces the model card ---------------------------------------------------


def _data_present() -> bool:
    from training.habits.data import data_available

    return data_available()


@pytest.mark.slow
@pytest.mark.skipif(not _data_present(), reason="../shared/data not found (set DIGBOT_DATA)")
def test_evaluation_reproduces_model_card() -> None:
    from training.habits.evaluate import load_labelled, report

    rows = load_labelled()
    assert len(rows) >= 300
    card = (REPO / "analyzers" / "models" / "HABITS.md").read_text(encoding="utf-8")
    printed = report(rows)
    for block in printed.split("\n\n"):
        assert block in card, f"model card out of date; rerun the evaluation:\n{block}"
    # The gain over the one-word baseline is visible on the held-out split.
    micro_row = next(line for line in printed.splitlines() if line.startswith("| **micro**"))
    cells = [c.strip() for c in micro_row.strip("|").split("|")]
    assert float(cells[4]) > float(cells[7]) + 0.2  # analyzer F1 vs baseline F1


def test_env_var_points_the_loader(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from training.habits.data import data_available, data_dir

    monkeypatch.setenv("DIGBOT_DATA", str(tmp_path))
    assert data_dir() == tmp_path
    assert not data_available()
