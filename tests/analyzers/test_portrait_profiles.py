"""The portrait on instaloader-format fixture profiles built from real labelled photos, through
the whole service (real analyzers, real SQLite file), and the outfit reader on real photos."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from analyzers.content import ContentAnalyzer
from analyzers.images import decode_image
from analyzers.pipeline import LoadedAnalyzers, Pipeline
from bot.container import Container
from bot.settings import Settings
from tests.fixtures.instagram_fixture import FixturePost, write_profile

pytestmark = pytest.mark.slow

FOOD = ["food101_more/bibimbap", "food101_more/breakfast_burrito", "food101_more/apple_pie"]
SPORTS = ["sports6/basketball", "sports6/football", "sports6/tennis"]
SUIT = "other_instagram/family_group/family_img102.jpg"
"""Four people on a sofa, two of them in dark suits and ties (looked at by hand)."""
JERSEY = "sports6/football/Football_107.jpg"
"""A football player in a jersey (hand-labelled `outfit:jersey` in training/portrait/labels.csv).
Research-use photos: read from ../shared/data at test time, never committed."""
LANDSCAPE = "intel_scenes/mountain/4953.jpg"
"""Mountains, nobody in the frame (hand-labelled in training/portrait/labels.csv)."""


def _photos(data_dir: Path, folders: list[str], per_folder: int) -> list[bytes]:
    photos: list[bytes] = []
    for folder in folders:
        files = sorted((data_dir / "images" / folder).glob("*.jpg"))[:per_folder]
        photos += [f.read_bytes() for f in files]
    return photos


async def _report(settings: Settings, analyzers: LoadedAnalyzers, name: str) -> dict[str, Any]:
    container = Container(settings, analyzers=analyzers, chart_processes=0)
    await container.start()
    try:
        report = await container.service.profile_report(name, user_id=None)
    finally:
        await container.close()
    return report.data


def _write(root: Path, name: str, photos: list[bytes]) -> None:
    start = datetime(2026, 1, 5, 12, tzinfo=UTC)
    posts = [
        FixturePost(taken_at=start + timedelta(days=2 * i), likes=100 + i, images=[photo])
        for i, photo in enumerate(photos)
    ]
    write_profile(root, name, posts)


def _assert_evidence_is_real(report: dict[str, Any]) -> None:
    shortcodes = {post["shortcode"] for post in report["posts"]}
    statements = report["portrait"]["statements"]
    assert statements
    assert report["portrait"]["text"] == " ".join(s["text"] for s in statements)
    for statement in statements:
        assert statement["posts"] and set(statement["posts"]) <= shortcodes
        assert statement["of"] == len(shortcodes)
    for interest in report["interests"]:
        assert set(interest["posts"]) <= shortcodes
    for post in report["posts"]:
        assert {"scene", "people", "outfit"} <= set(post)


async def test_food_profile_is_food_and_sports_profile_is_fitness(
    settings: Settings, analyzers: LoadedAnalyzers, profiles_root: Path, data_dir: Path
) -> None:
    _write(profiles_root, "food.fixture", _photos(data_dir, FOOD, 3))
    _write(profiles_root, "sports.fixture", _photos(data_dir, SPORTS, 3))

    food = await _report(settings, analyzers, "food.fixture")
    sports = await _report(settings, analyzers, "sports.fixture")

    assert food["interests"][0]["category"] == "food_drink"
    assert sports["interests"][0]["category"] == "fitness_sports"
    assert food["interests"][0]["products"]
    _assert_evidence_is_real(food)
    _assert_evidence_is_real(sports)


async def test_a_person_in_a_sports_top_gets_an_outfit_tag_and_a_landscape_none(
    settings: Settings, analyzers: LoadedAnalyzers, profiles_root: Path, data_dir: Path
) -> None:
    """Done-when of issue 20, with the outfit tag that ships (PORTRAIT.md): through the whole
    service on an instaloader-format profile. The suit photo gets no tag (no suit tag reaches
    0.7 precision: the xfail below) and, above all, no wrong one."""
    photos = [(data_dir / "images" / name).read_bytes() for name in (JERSEY, SUIT, LANDSCAPE)]
    _write(profiles_root, "outfits.fixture", photos)

    report = await _report(settings, analyzers, "outfits.fixture")

    by_order = sorted(report["posts"], key=lambda post: post["taken_at"])
    jersey, suit, landscape = (post["outfit"] for post in by_order)
    assert jersey == ["jersey"]
    assert suit == []
    assert landscape == [] and by_order[2]["people"]["count"] == "none"


@pytest.mark.xfail(
    strict=True,
    reason="no suit, tie or formal-wear (suit + tie classes) tag reaches 0.7 cross-validated "
    "precision (PORTRAIT.md, round four: 4 formal of 135 census photos, none of them among the "
    "readers' top scores); the issue's 'a person in a suit' stays unmet",
)
def test_a_person_in_a_suit_gets_an_outfit_tag(analyzers: LoadedAnalyzers, data_dir: Path) -> None:
    context = Pipeline(analyzers).analyze_image(
        decode_image((data_dir / "images" / SUIT).read_bytes())
    )

    assert ContentAnalyzer().analyze(context).outfit
