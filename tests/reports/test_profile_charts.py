"""The profile charts (style mix, engagement, habits, Big Five) and the choice of which to send,
also when pieces of the analysis are missing."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

import numpy as np
import pytest
from chart_check import assert_chart, decode

from analyzers.types import TRAIT_IDS, Habit, HabitsResult, PersonalityResult, ProfileAnalysis
from reports.profile_charts import (
    MAX_HABIT_BARS,
    big_five_chart,
    engagement_chart,
    habits_chart,
    profile_chart_jobs,
    style_mix_chart,
)


def test_style_mix_marks_mood_styles_and_can_hide_them(
    make_profile: Callable[..., ProfileAnalysis],
) -> None:
    shares = make_profile().style_shares
    assert "lonely" in shares
    shown = style_mix_chart(shares, "styles")
    hidden = style_mix_chart(shares, "styles", hide_sensitive=True)
    assert shown != hidden
    assert hidden == style_mix_chart({s: v for s, v in shares.items() if s != "lonely"}, "styles")


def test_style_mix_with_no_shares_says_so() -> None:
    assert_chart(style_mix_chart({}, "@nobody: photo styles"))


def test_hostile_titles_and_names_render_literally() -> None:
    """'$' would start matplotlib's math mode (and an unbalanced one raises): it must not."""
    title = "@x $\\frac{$ costs <b>&amp; " + "very long " * 20
    habits = HabitsResult(habits=[Habit("$\\nope$", 0.4, [])], posting_hours=[1] * 24)
    assert_chart(style_mix_chart({"made_up_style": 1.0}, title))
    assert_chart(habits_chart(habits, title))


def test_big_five_without_scores_is_refused() -> None:
    with pytest.raises(ValueError, match="not enough text"):
        big_five_chart(PersonalityResult(scores=None, confidence=0.0, reason="not enough text"))


def test_habits_without_habits_or_hours() -> None:
    assert_chart(habits_chart(HabitsResult(habits=[], posting_hours=[0] * 24)))


def test_habits_chart_keeps_the_strongest() -> None:
    many = [Habit(f"habit {i}", i / 30, []) for i in range(30)]
    strongest = many[-MAX_HABIT_BARS:]
    hours = [2] * 24
    assert habits_chart(HabitsResult(many, hours)) == habits_chart(HabitsResult(strongest, hours))


def test_engagement_with_missing_pieces(make_profile: Callable[..., ProfileAnalysis]) -> None:
    posts = make_profile().posts
    assert_chart(engagement_chart(posts, None))
    assert_chart(engagement_chart(posts, 0))
    assert_chart(engagement_chart(posts[:1], 100))
    assert_chart(engagement_chart([], None))
    no_style = [replace(post, photos=[]) for post in posts]
    assert_chart(engagement_chart(no_style, 5400))
    unliked = [replace(post, likes=0, comments=0) for post in posts]
    assert_chart(engagement_chart(unliked, 5400))


def test_engagement_per_follower_axis_only_when_followers_known(
    make_profile: Callable[..., ProfileAnalysis],
) -> None:
    posts = make_profile().posts
    assert engagement_chart(posts, None) != engagement_chart(posts, 5400)


def test_profile_chart_jobs_pick_what_there_is_to_show(
    make_profile: Callable[..., ProfileAnalysis],
) -> None:
    def names(profile: ProfileAnalysis, hide: bool = False) -> list[str]:
        return [name for name, _ in profile_chart_jobs(profile, hide_sensitive=hide)]

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
    for _name, render in profile_chart_jobs(profile):
        assert_chart(render())


def test_big_five_leaves_out_weak_traits(make_profile: Callable[..., ProfileAnalysis]) -> None:
    personality = make_profile().personality
    assert personality is not None and personality.scores is not None
    weak = replace(personality, weak_traits=("neuroticism", "openness"))
    # The weak traits' scores do not change the picture; a readable trait's score does.
    moved = dict(personality.scores) | {"neuroticism": 0.99, "openness": 0.01}
    assert big_five_chart(weak) == big_five_chart(replace(weak, scores=moved))
    louder = dict(personality.scores) | {"extraversion": 0.99}
    assert big_five_chart(weak) != big_five_chart(replace(weak, scores=louder))
    with pytest.raises(ValueError, match="measured signal"):
        big_five_chart(replace(personality, weak_traits=tuple(TRAIT_IDS)))
    profile = make_profile(personality=replace(personality, weak_traits=tuple(TRAIT_IDS)))
    assert "personality" not in [name for name, _ in profile_chart_jobs(profile)]


def test_big_five_draws_the_typical_writer(make_profile: Callable[..., ProfileAnalysis]) -> None:
    personality = make_profile().personality
    assert personality is not None
    plain = big_five_chart(personality)
    typical = big_five_chart(
        replace(personality, typical=dict.fromkeys(TRAIT_IDS, 0.5) | {"openness": 0.7})
    )
    assert np.abs(decode(plain).astype(int) - decode(typical).astype(int)).sum() > 0
    same = big_five_chart(replace(personality, typical=dict.fromkeys(TRAIT_IDS, 0.5)))
    assert same == plain
