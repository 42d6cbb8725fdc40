"""The profile texts: valid Telegram HTML, hostile text escaped, every missing piece said
plainly, sensitive parts hidden on request."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

import pytest
from report_html_check import HOSTILE, assert_valid

from analyzers.types import Habit, HabitsResult, PersonalityResult, ProfileAnalysis
from reports.names import PERSONALITY_CAVEAT, TRAIT_NAMES, trait_name
from reports.profile_text import profile_details, profile_summary
from reports.split import split_message


def both(
    profile: ProfileAnalysis, *, own_profile: bool = False, hide_sensitive: bool = False
) -> str:
    """The profile's two messages, summary then details."""
    return (
        profile_summary(profile, own_profile=own_profile)
        + "\n\n"
        + profile_details(profile, hide_sensitive=hide_sensitive)
    )


def test_profile_summary_says_everything(make_profile: Callable[..., ProfileAnalysis]) -> None:
    message = both(make_profile())
    assert_valid(message)
    for expected in (
        "@night.owl_eats",
        "5,400 followers",
        "24 posts from",
        "<i>night view</i> (29%)",
        "lonely in 4% of photos <i>(photo mood, not a diagnosis)</i>",
        PERSONALITY_CAVEAT,
        "17 of 24 posts between 20:00 and 02:00",
        "266 likes",
        "(4.9% of followers)",
        "Faces and emotions: not available (the emotion model &lt;fer&gt; failed to load)",
    ):
        assert expected in message
    for trait in TRAIT_NAMES.values():
        assert f"<b>{trait}</b>" in message
    assert "confidence" not in message


def test_profile_summary_is_three_or_four_lines(
    make_profile: Callable[..., ProfileAnalysis],
) -> None:
    summary = profile_summary(make_profile())
    assert_valid(summary)
    assert 3 <= len(summary.splitlines()) <= 4
    assert "Personality" not in summary and "<code>" not in summary


def test_profile_summary_escapes_hostile_text(make_profile: Callable[..., ProfileAnalysis]) -> None:
    profile = make_profile(
        full_name=HOSTILE,
        habits=HabitsResult(habits=[Habit("<i>x", 0.5, [HOSTILE])], posting_hours=[1] * 24),
        unavailable={"<b>": HOSTILE},
    )
    message = both(profile)
    assert_valid(message)
    assert "<script>" not in message
    assert "&lt;script&gt;alert" in message and "Tom &amp; Jerry" in message


def test_hide_sensitive_drops_mood_styles_and_personality(
    make_profile: Callable[..., ProfileAnalysis],
) -> None:
    profile = make_profile(unavailable={"personality": "no model"})
    shown = both(replace(profile, unavailable={}))
    hidden = both(profile, hide_sensitive=True)
    assert_valid(hidden)
    assert "Personality" in shown and "lonely" in shown
    for sensitive in ("Personality", "lonely", "Openness", "not a diagnosis", "psychological"):
        assert sensitive not in hidden
    assert "night view" in hidden


def test_personality_missing_is_explained(make_profile: Callable[..., ProfileAnalysis]) -> None:
    no_text = PersonalityResult(scores=None, confidence=0.0, reason="not enough text to say")
    message = both(make_profile(personality=no_text))
    assert "<b>Personality</b>: not enough text to say." in message
    assert "Openness" not in message
    assert "Personality</b>: not analysed" in both(make_profile(personality=None))
    unavailable = make_profile(personality=None, unavailable={"personality": "model missing"})
    message = both(unavailable)
    assert "Personality: not available (model missing)" in message
    assert "not analysed" not in message


def test_profile_with_nothing_to_show(make_profile: Callable[..., ProfileAnalysis]) -> None:
    empty = make_profile(
        followers=None,
        followees=None,
        posts=[],
        style_shares={},
        personality=None,
        habits=HabitsResult(habits=[], posting_hours=[0] * 24),
        unavailable={"style": "no model", "personality": "no model"},
    )
    message = both(empty, own_profile=True)
    assert_valid(message)
    assert "follower" not in message
    for expected in (
        "Your profile",
        "No posts to analyse yet",
        "Nothing stands out yet",
        "Photo style: not available (no model)",
    ):
        assert expected in message


@pytest.mark.parametrize("own", [False, True])
def test_long_profile_summary_splits_cleanly(
    make_profile: Callable[..., ProfileAnalysis], own: bool
) -> None:
    many = [Habit(f"habit {i}", i / 60, [f"evidence {i} " * 8]) for i in range(60)]
    profile = make_profile(habits=HabitsResult(habits=many, posting_hours=[1] * 24))
    message = both(profile, own_profile=own)
    assert len(message) > 4096
    chunks = split_message(message)
    assert len(chunks) >= 2
    for chunk in chunks:
        assert_valid(chunk)


def test_only_traits_with_signal_are_shown(
    make_profile: Callable[..., ProfileAnalysis],
) -> None:
    profile = make_profile()
    assert profile.personality is not None
    plain = both(profile)
    assert "cannot be read from posts" not in plain
    weak = replace(profile.personality, weak_traits=("neuroticism", "extraversion"))
    message = both(replace(profile, personality=weak))
    assert_valid(message)
    assert "<b>Neuroticism</b>" not in message and "<b>Extraversion</b>" not in message
    assert "<b>Openness</b>" in message
    assert message.count("Extraversion and Neuroticism cannot be read from posts.") == 1


def test_a_typical_writer_is_shown_beside_each_score(
    make_profile: Callable[..., ProfileAnalysis],
) -> None:
    profile = make_profile()
    assert profile.personality is not None
    assert "(typical" not in both(profile)
    typical = dict.fromkeys(profile.personality.scores or {}, 0.5) | {"openness": 0.7}
    shown = replace(profile.personality, typical=typical)
    message = both(replace(profile, personality=shown))
    assert_valid(message)
    assert f"<b>{trait_name('openness')}</b> 78 (typical 70):" in message
