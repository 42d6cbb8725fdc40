"""The portrait planner on hand-built signals: interests, evidence, drivers, sensitive parts."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime

import numpy as np

from analyzers.portrait import (
    DRIVER_MIN_POSTS,
    INTERESTS_PATH,
    PortraitAnalyzer,
    _Post,
    categories,
    portrait_of,
)
from analyzers.types import (
    DecodedImage,
    PhotoAnalysis,
    PhotoContent,
    PhotoContext,
    PostAnalysis,
    PostInput,
    PostText,
    ProfileInput,
    StyleResult,
)
from reports.portrait import portrait_text
from service.analysis import style_shares


def _content(
    people: str | None = "none",
    activities: tuple[str, ...] = (),
    objects: tuple[str, ...] = (),
    setting: str | None = None,
    smiling: bool | None = None,
) -> PhotoContent:
    return PhotoContent(
        setting=setting,
        light=None,
        people=people,
        smiling=smiling,
        activities=activities,
        objects=objects,
    )


def _post(
    i: int,
    style: str | None = None,
    content: PhotoContent | None = None,
    caption: dict[str, list[str]] | None = None,
    likes: int = 100,
    settled: bool = True,
) -> _Post:
    return _Post(
        shortcode=f"P{i:03d}",
        likes=likes,
        settled=settled,
        style=style,
        content=content or _content(),
        caption_interests=caption or {},
    )


def _food_profile() -> list[_Post]:
    coffee = {"coffee": ["#coffee"]}
    food = [
        _post(
            i,
            "food",
            _content(activities=("eating",), objects=("pizza",)),
            coffee if i < 3 else None,
        )
        for i in range(5)
    ]
    other = [
        _post(10, "selfie", _content("one", setting="outdoor", smiling=True)),
        _post(11, "colorful_sky", _content(setting="outdoor")),
    ]
    return food + other


def test_a_food_heavy_profile_is_food_and_drink_first_with_product_categories() -> None:
    result = portrait_of(_food_profile())

    top = result.interests[0]
    assert top.category == "food_drink"
    assert top.score == 5 / 7
    assert set(top.posts) == {f"P{i:03d}" for i in range(5)}
    assert any("pizza" in e for e in top.evidence)
    assert top.products and all(isinstance(p, str) for p in top.products)


def test_a_sports_profile_is_fitness_and_sports_first() -> None:
    posts = [
        _post(i, "sports", _content("group", activities=("sport",), objects=("basketball",)))
        for i in range(4)
    ] + [_post(9, "food", _content(activities=("eating",)))]

    assert portrait_of(posts).interests[0].category == "fitness_sports"


def test_one_post_is_not_an_interest() -> None:
    posts = [_post(0, "food", _content(activities=("eating",)))] + [_post(i) for i in range(1, 6)]

    assert all(i.category != "food_drink" for i in portrait_of(posts).interests)


def test_every_statement_points_at_posts_of_the_profile_and_counts_them() -> None:
    posts = _food_profile()
    shortcodes = {p.shortcode for p in posts}

    result = portrait_of(posts)

    assert 3 <= len(result.statements) <= 6
    for statement in result.statements:
        assert statement.posts and set(statement.posts) <= shortcodes
        assert statement.of == len(posts)
        assert re.search(r"\d+ of \d+", statement.text)
    assert result.text.startswith("They mostly photograph food (5 of 7 posts)")


def test_no_signal_no_statement() -> None:
    posts = [_Post(f"P{i}", 100, True, None, None, {}) for i in range(4)]

    result = portrait_of(posts)

    assert result.statements == []
    assert result.interests == []


def test_drivers_say_cant_tell_below_the_minimum_of_posts() -> None:
    posts = [_post(i, content=_content("one")) for i in range(DRIVER_MIN_POSTS - 1)]

    result = portrait_of(posts)

    assert result.drivers == []
    assert "can't tell yet" in result.drivers_note
    assert "can't tell yet" in portrait_text(result)
    assert portrait_of([_Post("V", 9, True, None, None, {})]).drivers_note.startswith(
        "no photo post is old enough"
    )


def _likes_profile(people_likes: int) -> list[_Post]:
    return [
        _post(i, content=_content("one" if i % 2 else "none"), likes=people_likes if i % 2 else 100)
        for i in range(16)
    ]


def test_drivers_find_a_planted_difference_and_not_an_absent_one() -> None:
    planted = {d.feature: d for d in portrait_of(_likes_profile(300)).drivers}
    absent = {d.feature: d for d in portrait_of(_likes_profile(100)).drivers}

    assert planted["people"].verdict == "more"
    assert planted["people"].ratio == 3.0
    assert planted["people"].p_value is not None and planted["people"].p_value < 0.1
    assert absent["people"].verdict == "no clear difference"
    statement = next(
        s for s in portrait_of(_likes_profile(300)).statements if s.kind == "engagement"
    )
    assert "3.0× the median likes" in statement.text
    assert set(statement.posts) == {f"P{i:03d}" for i in range(1, 16, 2)}


def test_unsettled_posts_do_not_count_for_drivers() -> None:
    posts = [_post(i, content=_content("one"), settled=i < DRIVER_MIN_POSTS - 1) for i in range(20)]

    assert portrait_of(posts).drivers == []


def test_mood_is_sensitive_with_its_caveat_and_hidden_for_others() -> None:
    posts = [_post(i, "depressed") for i in range(3)] + [_post(5, "food"), _post(6, "food")]

    result = portrait_of(posts)
    mood = [s for s in result.statements if s.kind == "mood"]

    assert len(mood) == 1 and mood[0].sensitive and "not a diagnosis" in mood[0].text
    assert "sombre" in portrait_text(result)
    assert "sombre" not in portrait_text(result, hide_sensitive=True)


def test_the_taxonomy_file_has_products_and_a_rationale_for_every_category() -> None:
    data = json.loads(INTERESTS_PATH.read_text(encoding="utf-8"))
    assert {c.id for c in categories()} == set(data["categories"])
    for value in data["categories"].values():
        assert value["products"] and value["rationale"]
        assert not {"depressed", "lonely"} & set(value["styles"])


def test_a_sentence_resting_on_the_same_posts_as_an_earlier_one_is_not_repeated() -> None:
    posts = [_post(i, "food", _content(activities=("eating",))) for i in range(4)]
    standing = _content("one", activities=("eating", "standing"))
    posts += [_post(i, "food", standing) for i in range(4, 6)]

    statements = portrait_of(posts).statements

    assert [s.kind for s in statements] == ["subjects", "people", "activity"]
    assert statements[2].text == "What they do in the photos: standing (2 of 6 posts)."


def _styled_posts(styles: list[tuple[str, float]]) -> tuple[ProfileInput, list[PostAnalysis]]:
    """The same per-photo style results as the portrait reads them (ProfileInput) and as the
    style mix counts them (PostAnalysis)."""
    image = DecodedImage(np.zeros((8, 8, 3), np.uint8), (8, 8), "JPEG")
    taken = datetime(2026, 1, 1, tzinfo=UTC)
    results = [StyleResult(scores={top: p}, top=top, confidence=p) for top, p in styles]
    inputs = [
        PostInput(
            f"S{i}", taken, 10, 0, PostText(), False, [PhotoContext(image, None, {"style": r})]
        )
        for i, r in enumerate(results)
    ]
    analysed = [
        PostAnalysis(f"S{i}", taken, 10, 0, False, PostText(), [PhotoAnalysis(image, style=r)])
        for i, r in enumerate(results)
    ]
    return ProfileInput("someone", None, None, inputs), analysed


def test_the_portrait_counts_the_same_per_post_styles_as_the_style_mix() -> None:
    """SpaceX said "night views (4 of 9)" beside a style mix of 5 of 9: unsure night views
    (confidence under 0.5) counted in the mix and not in the portrait."""
    night = [("night_view", p) for p in (0.9, 0.8, 0.45, 0.6, 0.35)]
    profile, analysed = _styled_posts([*night, ("food", 0.7), ("food", 0.4), ("other", 0.3)])

    subjects = PortraitAnalyzer().analyze(profile).statements[0]
    share = style_shares(analysed)["night_view"]

    assert subjects.kind == "subjects"
    assert "night views (5 of 8 posts)" in subjects.text
    assert share * len(analysed) == 5


def test_a_few_stray_object_labels_make_no_interest_but_agreeing_signals_do() -> None:
    """SpaceX: "drums" and "stage lights" on two rocket photos made "nightlife & music"."""
    rockets = [_post(i, "night_view", _content(setting="outdoor")) for i in range(7)]
    stray = [
        _post(7, "night_view", _content(objects=("drums",))),
        _post(8, "night_view", _content(objects=("stage lights",))),
    ]
    music = {"music": ["#concert"]}
    with_captions = [
        _post(7, "night_view", _content(objects=("drums",)), music),
        _post(8, "night_view", _content(objects=("stage lights",)), music),
    ]
    band = [_post(i, None, _content(objects=("a guitar",))) for i in range(3)]

    def categories_of(posts: list[_Post]) -> set[str]:
        return {i.category for i in portrait_of(posts).interests}

    assert "nightlife_music" not in categories_of(rockets + stray)
    assert "nightlife_music" in categories_of(rockets + with_captions)
    assert "nightlife_music" in categories_of(rockets[:6] + band)


def test_a_food_only_profile_gets_at_least_three_sentences() -> None:
    """The food fixture had 2 sentences: 'mostly food' and 'nobody in the photos'."""
    dishes = ("a plate of food", "a burrito", "pizza")
    posts = [
        _post(
            i, "food", _content(activities=("eating",), objects=(dishes[i % 3], "a dining table"))
        )
        for i in range(15)
    ]

    statements = portrait_of(posts).statements

    assert 3 <= len(statements) <= 6
    objects = next(s for s in statements if s.kind == "objects")
    assert objects.text.startswith("Things the image model sees again and again: a dining table")
    assert len(objects.posts) == 15


def test_outfits_worn_in_several_posts_are_said_with_their_posts() -> None:
    worn = PhotoContent(None, None, "one", None, outfit=("jersey",))
    posts = [_post(i, "sports", worn) for i in range(3)] + [_post(5, "food")]

    outfit = next(s for s in portrait_of(posts).statements if s.kind == "outfit")

    assert outfit.text == "What people wear in the photos: a T-shirt or sports top (3 of 4 posts)."
    assert outfit.posts == ("P000", "P001", "P002")


def test_an_activity_already_said_as_a_subject_style_is_not_said_again() -> None:
    """SpaceX: "night views (5 of 9) and sport (3 of 9)", then "What they do: sport (3 of 9)"."""
    night = [_post(i, "night_view", _content(setting="outdoor")) for i in range(5)]
    sport = [_post(i, "sports", _content(activities=("sport",))) for i in range(5, 8)]

    kinds = [s.kind for s in portrait_of(night + sport + [_post(9)]).statements]

    assert kinds[0] == "subjects" and "activity" not in kinds
