"""service.subscriptions.changes: what counts as a change, and how it is said."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from service.subscriptions.changes import (
    CAVEAT,
    Changes,
    PostState,
    ProfileState,
    Thresholds,
    change_text,
    compare,
    unseen,
)

DAY0 = datetime(2026, 9, 1, tzinfo=UTC)


def _post(i: int, style: str | None = "food", likes: int = 100) -> PostState:
    return PostState(f"code{i}", DAY0 + timedelta(days=i), likes, 10, style)


def _state(*posts: PostState, followers: int = 1000, personality: dict[str, float] | None = None):
    ordered = tuple(sorted(posts, key=lambda p: p.taken_at, reverse=True))
    return ProfileState(followers, 200, ordered, personality)


def test_same_state_is_no_change() -> None:
    state = _state(_post(1), _post(2), _post(3))
    changes = compare("alice", state, state)
    assert not changes.any
    assert ProfileState.from_json(state.to_json()) == state


def test_a_new_post_is_a_change_and_an_old_one_sliding_back_is_not() -> None:
    old = _state(_post(2), _post(3))
    assert [
        p.shortcode for p in compare("alice", old, _state(_post(2), _post(3), _post(4))).new_posts
    ] == ["code4"]
    # code1 is older than everything the snapshot saw: it slid back into the window.
    assert unseen(old, [_post(1)]) == []


def test_small_follower_moves_are_ignored_following_changes_are_not() -> None:
    old = _state(_post(1), followers=1000)
    assert compare("a", old, _state(_post(1), followers=1005)).followers is None
    assert compare("a", old, _state(_post(1), followers=1020)).followers == (1000, 1020)
    following = ProfileState(1000, 201, old.posts)
    assert compare("a", old, following).followees == (200, 201)


def test_style_mix_shift_and_engagement_trend() -> None:
    old = _state(*(_post(i, "food") for i in range(4)))
    new = _state(*(_post(i, "food") for i in range(2)), *(_post(i, "sports", 300) for i in (2, 3)))
    changes = compare("a", old, new, Thresholds(style_shift=0.15, engagement_shift=0.2))
    assert changes.styles[0][0] in ("food", "sports")
    assert changes.engagement is not None and changes.engagement[1] > changes.engagement[0]


def test_personality_drift_needs_a_big_enough_move() -> None:
    traits = {"openness": 0.5, "neuroticism": 0.5}
    old = _state(_post(1), personality=traits)
    small = _state(_post(1), personality={"openness": 0.55, "neuroticism": 0.5})
    big = _state(_post(1), personality={"openness": 0.7, "neuroticism": 0.5})
    assert compare("a", old, small).personality == {}
    assert compare("a", old, big).personality == {"openness": (0.5, 0.7)}


def test_text_names_what_changed_with_a_caveat_for_mood_styles() -> None:
    changes = Changes("alice", new_posts=[_post(5, "lonely")], followers=(1000, 1100))
    text = change_text(changes)
    assert "1 new post" in text and "lonely" in text and "1,100 (+100)" in text
    assert CAVEAT in text
    hidden = change_text(changes, hide_sensitive=True)
    assert "lonely" not in hidden and CAVEAT not in hidden


def test_text_has_no_bare_scores_or_ids() -> None:
    changes = Changes(
        "alice",
        new_posts=[_post(5, "night_view")],
        personality={"openness": (0.5, 0.7)},
        styles=[("cute_animals", 0.1, 0.3)],
    )
    text = change_text(changes)
    assert "Openness 50 → 70" in text and "0.70" not in text
    assert "cute animals 10% → 30%" in text and "night view" in text and "_" not in text
