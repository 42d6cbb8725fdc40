"""Every chart renders a phone-sized, non-blank PNG, also when pieces of the analysis are missing.

Set DIGBOT_REPORT_PREVIEWS=<folder> to keep a copy of each full chart for a human to look at.
"""

from __future__ import annotations

import io
import os
import shutil
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
from PIL import Image
from skimage import data

from analyzers.types import (
    TRAIT_IDS,
    AlbumAnalysis,
    FacesResult,
    Habit,
    HabitsResult,
    PersonalityResult,
    PhotoAnalysis,
    ProfileAnalysis,
)
from reports import charts

WIDTH = 1080


def decode(png: bytes) -> np.ndarray:
    image = Image.open(io.BytesIO(png))
    assert image.format == "PNG"
    return np.asarray(image.convert("RGB"))


def assert_chart(png: bytes, min_std: float = 8.0) -> np.ndarray:
    """A PNG 1080 px wide, neither a sliver nor taller than a phone screen shows at once
    (charts are as tall as their content needs), that is not blank (a chart that only says
    "no data" still has its title and message: a blank page has a standard deviation of 0)."""
    pixels = decode(png)
    assert pixels.shape[1] == WIDTH
    assert 0.4 * WIDTH <= pixels.shape[0] <= 1.4 * WIDTH
    assert pixels.std() > min_std, "the chart is (nearly) blank"
    return pixels


def full_charts(
    profile: ProfileAnalysis, selfie: PhotoAnalysis, album: AlbumAnalysis
) -> dict[str, bytes]:
    assert profile.personality is not None and profile.habits is not None
    return {
        "style_mix": charts.style_mix_chart(profile.style_shares, "@night.owl_eats: photo styles"),
        "big_five": charts.big_five_chart(profile.personality),
        "habits": charts.habits_chart(profile.habits),
        "engagement": charts.engagement_chart(profile.posts, profile.followers),
        "selfie_card": charts.selfie_card(selfie),
        "album": charts.album_chart(album),
    }


@pytest.mark.slow
def test_every_chart_is_a_phone_sized_png(
    make_profile: Callable[..., ProfileAnalysis],
    make_selfie: Callable[..., PhotoAnalysis],
    sample_album: AlbumAnalysis,
    tmp_path: Path,
) -> None:
    rendered = full_charts(make_profile(), make_selfie(), sample_album)
    previews = os.environ.get("DIGBOT_REPORT_PREVIEWS")
    for name, png in rendered.items():
        assert_chart(png, min_std=25.0)
        path = tmp_path / f"{name}.png"
        path.write_bytes(png)
        if previews:
            Path(previews).mkdir(parents=True, exist_ok=True)
            shutil.copy(path, Path(previews) / path.name)


@pytest.mark.slow
def test_charts_render_concurrently_in_threads(
    make_profile: Callable[..., ProfileAnalysis], make_selfie: Callable[..., PhotoAnalysis]
) -> None:
    profile = make_profile()
    habits = profile.habits
    assert habits is not None
    jobs = [
        lambda: charts.engagement_chart(profile.posts, profile.followers),
        lambda: charts.style_mix_chart(profile.style_shares, "styles"),
        lambda: charts.habits_chart(habits),
        lambda: charts.selfie_card(make_selfie()),
    ] * 2
    with ThreadPoolExecutor(max_workers=4) as pool:
        results = list(pool.map(lambda job: job(), jobs))
    assert results[:4] == results[4:], "the same chart rendered twice in parallel must be identical"


def test_style_mix_marks_mood_styles_and_can_hide_them(
    make_profile: Callable[..., ProfileAnalysis],
) -> None:
    shares = make_profile().style_shares
    assert "lonely" in shares
    shown = charts.style_mix_chart(shares, "styles")
    hidden = charts.style_mix_chart(shares, "styles", hide_sensitive=True)
    assert shown != hidden
    assert hidden == charts.style_mix_chart(
        {s: v for s, v in shares.items() if s != "lonely"}, "styles"
    )


def test_style_mix_with_no_shares_says_so() -> None:
    assert_chart(charts.style_mix_chart({}, "@nobody: photo styles"))


def test_hostile_titles_and_names_render_literally() -> None:
    """'$' would start matplotlib's math mode (and an unbalanced one raises): it must not."""
    title = "@x $\\frac{$ costs <b>&amp; " + "very long " * 20
    habits = HabitsResult(habits=[Habit("$\\nope$", 0.4, [])], posting_hours=[1] * 24)
    assert_chart(charts.style_mix_chart({"made_up_style": 1.0}, title))
    assert_chart(charts.habits_chart(habits, title))


def test_big_five_without_scores_is_refused() -> None:
    with pytest.raises(ValueError, match="not enough text"):
        charts.big_five_chart(
            PersonalityResult(scores=None, confidence=0.0, reason="not enough text")
        )


def test_habits_without_habits_or_hours() -> None:
    assert_chart(charts.habits_chart(HabitsResult(habits=[], posting_hours=[0] * 24)))


def test_habits_chart_keeps_the_strongest() -> None:
    many = [Habit(f"habit {i}", i / 30, []) for i in range(30)]
    strongest = many[-charts.MAX_HABIT_BARS :]
    hours = [2] * 24
    assert charts.habits_chart(HabitsResult(many, hours)) == charts.habits_chart(
        HabitsResult(strongest, hours)
    )


def test_engagement_with_missing_pieces(make_profile: Callable[..., ProfileAnalysis]) -> None:
    posts = make_profile().posts
    assert_chart(charts.engagement_chart(posts, None))
    assert_chart(charts.engagement_chart(posts, 0))
    assert_chart(charts.engagement_chart(posts[:1], 100))
    assert_chart(charts.engagement_chart([], None))
    no_style = [replace(post, photos=[]) for post in posts]
    assert_chart(charts.engagement_chart(no_style, 5400))
    unliked = [replace(post, likes=0, comments=0) for post in posts]
    assert_chart(charts.engagement_chart(unliked, 5400))


def test_engagement_per_follower_axis_only_when_followers_known(
    make_profile: Callable[..., ProfileAnalysis],
) -> None:
    posts = make_profile().posts
    assert charts.engagement_chart(posts, None) != charts.engagement_chart(posts, 5400)


def test_selfie_card_with_missing_pieces(make_selfie: Callable[..., PhotoAnalysis]) -> None:
    full = make_selfie()
    assert full.faces is not None
    no_emotions = FacesResult(faces=[replace(f, emotions={}) for f in full.faces.faces], pose=None)
    variants = [
        make_selfie(faces=None, style=None, popularity=None, unavailable={"faces": "no model"}),
        make_selfie(faces=FacesResult(faces=[], pose=None)),
        make_selfie(faces=no_emotions),
        make_selfie(image=replace(full.image, pixels=data.coins())),
    ]
    for photo in variants:
        assert_chart(charts.selfie_card(photo))


def test_selfie_card_draws_the_face_box(make_selfie: Callable[..., PhotoAnalysis]) -> None:
    with_faces = decode(charts.selfie_card(make_selfie()))
    without = decode(charts.selfie_card(make_selfie(faces=FacesResult(faces=[], pose=None))))
    # The highlight colour (Okabe-Ito orange) appears only where a box or bar is drawn.
    orange = np.array([0xE6, 0x9F, 0x00])
    count = lambda pixels: int((np.abs(pixels.astype(int) - orange).sum(axis=2) < 30).sum())  # noqa: E731
    assert count(with_faces) > count(without) + 500


def test_album_chart_variants(sample_album: AlbumAnalysis) -> None:
    one = AlbumAnalysis(photos=sample_album.photos[:1], ranking=[0], groups=[[0]], reasons={})
    empty = AlbumAnalysis(photos=[], ranking=[], groups=[], reasons={})
    ten = AlbumAnalysis(
        photos=[replace(p, popularity=None) for p in sample_album.photos * 2],
        ranking=list(range(9)),
        groups=[],
        reasons={},
    )
    for album in (one, empty, ten):
        assert_chart(charts.album_chart(album))


def test_profile_chart_jobs_pick_what_there_is_to_show(
    make_profile: Callable[..., ProfileAnalysis],
) -> None:
    def names(profile: ProfileAnalysis, hide: bool = False) -> list[str]:
        return [name for name, _ in charts.profile_chart_jobs(profile, hide_sensitive=hide)]

    profile = make_profile()
    assert names(profile) == ["styles", "engagement", "habits", "personality"]
    assert names(profile, hide=True) == ["styles", "engagement", "habits"]
    no_text = PersonalityResult(scores=None, confidence=0.0, reason="not enough text")
    empty = make_profile(
        posts=[],
        style_shares={"lonely": 1.0},
        personality=no_text,
        habits=HabitsResult(habits=[], posting_hours=[0] * 24),
    )
    assert names(empty) == ["styles"]
    assert names(empty, hide=True) == []
    for _name, render in charts.profile_chart_jobs(profile):
        assert_chart(render())


def test_big_five_leaves_out_weak_traits(make_profile: Callable[..., ProfileAnalysis]) -> None:
    personality = make_profile().personality
    assert personality is not None and personality.scores is not None
    weak = replace(personality, weak_traits=("neuroticism", "openness"))
    # The weak traits' scores do not change the picture; a readable trait's score does.
    moved = dict(personality.scores) | {"neuroticism": 0.99, "openness": 0.01}
    assert charts.big_five_chart(weak) == charts.big_five_chart(replace(weak, scores=moved))
    louder = dict(personality.scores) | {"extraversion": 0.99}
    assert charts.big_five_chart(weak) != charts.big_five_chart(replace(weak, scores=louder))
    with pytest.raises(ValueError, match="measured signal"):
        charts.big_five_chart(replace(personality, weak_traits=tuple(TRAIT_IDS)))
    profile = make_profile(personality=replace(personality, weak_traits=tuple(TRAIT_IDS)))
    assert "personality" not in [name for name, _ in charts.profile_chart_jobs(profile)]


def test_big_five_draws_the_typical_writer(make_profile: Callable[..., ProfileAnalysis]) -> None:
    personality = make_profile().personality
    assert personality is not None
    plain = charts.big_five_chart(personality)
    typical = charts.big_five_chart(
        replace(personality, typical=dict.fromkeys(TRAIT_IDS, 0.5) | {"openness": 0.7})
    )
    assert np.abs(decode(plain).astype(int) - decode(typical).astype(int)).sum() > 0
    same = charts.big_five_chart(replace(personality, typical=dict.fromkeys(TRAIT_IDS, 0.5)))
    assert same == plain
