"""A person talks to the real bot through the playground, exactly as a Telegram client would,
in both modes: embedded, and distributed (an ingress and two workers as processes)."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from tests.e2e.conftest import Conversation
from tests.e2e.replies import REPORT, matching
from tests.e2e.subscribing import eventually, query, rows_about
from tests.fixtures.instagram_fixture import (
    FixturePost,
    astronaut_jpeg,
    chelsea_jpeg,
    coffee_jpeg,
    sample_jpeg,
    write_profile,
)

pytestmark = pytest.mark.slow


def _texts(messages: list[dict[str, Any]]) -> str:
    return "\n".join(m["text"] or "" for m in messages)


def _has_photo(messages: list[dict[str, Any]]) -> bool:
    return any(m["photos"] for m in messages)


def _buttons(messages: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [button for m in messages for row in m["buttons"] for button in row]


def _fixture_profile(root: Path, username: str = "fixture.user") -> None:
    start = datetime(2026, 9, 1, 8, tzinfo=UTC)
    images = [coffee_jpeg(), chelsea_jpeg(), astronaut_jpeg(), sample_jpeg(1), sample_jpeg(2)]
    captions = [
        "Morning espresso before the lecture #coffee #studygram",
        "My cat Chelsea asleep again #catsofinstagram",
        "Selfie after the run! #fitness #running",
        "Sunset walk by the sea #sunset #travel",
        "Weekend hike in the mountains #hiking #nature",
    ]
    posts = [
        FixturePost(
            taken_at=start + timedelta(days=3 * i, hours=i),
            caption=captions[i % len(captions)],
            likes=100 + 10 * i,
            comments=5 + i,
            images=[images[i % len(images)]],
        )
        for i in range(10)
    ]
    write_profile(root, username, posts, followers=2400, followees=310, full_name="Fixture User")


async def test_start_greets_with_buttons(conversation: Conversation) -> None:
    chat = conversation.chat
    sent = await conversation.client.send_text(chat, "/start")
    replies = await conversation.client.wait_for(
        chat, lambda m: len(m) >= 1, after=sent["message_id"]
    )
    assert "digbot" in replies[0]["text"]
    assert {b["callback_data"] for b in _buttons(replies)} >= {
        f"menu:help:{chat}",
        f"menu:privacy:{chat}",
    }


async def test_username_gets_summary_and_charts(conversation: Conversation) -> None:
    chat = conversation.chat
    _fixture_profile(conversation.profiles_root)
    sent = await conversation.client.send_text(chat, "@fixture.user")

    def done(messages: list[dict[str, Any]]) -> bool:
        return any(b["callback_data"].startswith("sub:") for b in _buttons(messages))

    replies = await conversation.client.wait_for(chat, done, after=sent["message_id"], timeout=120)
    # The status line, edited as stages finished, became the summary once the charts were out.
    summary = replies[0]
    assert summary["edited"] and not summary["photos"]
    assert "fixture.user" in summary["text"]
    assert "Looking at" not in _texts(replies)
    assert len(replies) == 1 + sum(bool(m["photos"]) for m in replies[1:]) > 1
    assert {b["callback_data"] for b in _buttons(replies)} >= {
        f"sub:fixture.user:daily:{chat}",
        f"sub:fixture.user:weekly:{chat}",
    }


async def test_unknown_profile_and_bad_username_get_plain_answers(
    conversation: Conversation,
) -> None:
    chat = conversation.chat
    sent = await conversation.client.send_text(chat, "/analyze nobody_here")
    replies = await conversation.client.wait_for(
        chat, lambda m: len(m) >= 2, after=sent["message_id"]
    )
    assert "nobody_here" in _texts(replies)
    sent = await conversation.client.send_text(chat, "/analyze ../etc/passwd")
    replies = await conversation.client.wait_for(
        chat, lambda m: len(m) >= 1, after=sent["message_id"]
    )
    assert "username" in replies[0]["text"].lower()


async def test_photo_gets_a_selfie_report(conversation: Conversation) -> None:
    chat = conversation.chat
    sent = await conversation.client.send_photos(chat, [astronaut_jpeg()])
    replies = await conversation.client.wait_for(
        chat, matching(REPORT), after=sent[-1]["message_id"], timeout=120
    )
    assert "Your photo" in replies[0]["text"]  # one message: the card, the summary its caption


async def test_album_gets_a_ranking(conversation: Conversation) -> None:
    chat = conversation.chat
    sent = await conversation.client.send_photos(
        chat, [coffee_jpeg(), chelsea_jpeg(), astronaut_jpeg()]
    )
    assert len({m["media_group_id"] for m in sent}) == 1
    replies = await conversation.client.wait_for(
        chat,
        lambda m: _has_photo(m) and "Comparing your 3 photos" not in _texts(m),
        after=sent[-1]["message_id"],
        timeout=120,
    )
    # The status line "Comparing your 3 photos" became the ranking, or made way for the chart
    # that carries it as its caption.
    assert "best" in _texts(replies).lower()


async def test_subscribe_then_list(conversation: Conversation) -> None:
    chat = conversation.chat
    sent = await conversation.client.send_text(chat, "/subscribe nobody.here weekly")
    replies = await conversation.client.wait_for(
        chat, lambda m: len(m) >= 1, after=sent["message_id"]
    )
    assert "could not find that Instagram profile" in replies[0]["text"]
    _fixture_profile(conversation.profiles_root)
    sent = await conversation.client.send_text(chat, "/subscribe fixture.user weekly")
    replies = await conversation.client.wait_for(
        chat, lambda m: len(m) >= 1, after=sent["message_id"]
    )
    assert "weekly report on @fixture.user" in replies[0]["text"]

    async def baseline_styled() -> bool:
        """The first run's snapshot holds every post's style: it was analysed with the models
        (in the distributed mode by a worker: the ingress that runs the scheduler has none)."""
        rows = query(
            conversation.database_url,
            "SELECT s.data FROM snapshots s JOIN profiles p ON p.id = s.profile_id"
            " WHERE p.username = ? AND s.period = ?",
            "fixture.user",
            "weekly",
        )
        if not rows:
            return False
        data = rows[0][0] if isinstance(rows[0][0], dict) else json.loads(rows[0][0])
        return bool(data["posts"]) and all(p["style"] is not None for p in data["posts"])

    await eventually(baseline_styled, timeout=120)
    sent = await conversation.client.send_text(chat, "/subscriptions")
    replies = await conversation.client.wait_for(
        chat, lambda m: len(m) >= 1, after=sent["message_id"]
    )
    # The header is the top line of the first profile's message, not a bubble of its own.
    assert len(replies) == 1 and replies[0]["text"].startswith("<b>You follow</b>\n")
    assert "@fixture.user — weekly" in replies[0]["text"]
    assert any(b["callback_data"] == f"unsub:fixture.user:{chat}" for b in _buttons(replies))
    assert any(b["callback_data"] == "chg:fixture.user" for b in _buttons(replies))


async def test_forget_deletes_every_row(conversation: Conversation) -> None:
    chat = conversation.chat
    _fixture_profile(conversation.profiles_root)
    for text in ("/start", "/subscribe fixture.user daily"):
        sent = await conversation.client.send_text(chat, text)
        await conversation.client.wait_for(chat, lambda m: len(m) >= 1, after=sent["message_id"])
    sent = await conversation.client.send_photos(chat, [coffee_jpeg()])
    await conversation.client.wait_for(
        chat, matching(REPORT), after=sent[-1]["message_id"], timeout=120
    )
    # the playground's private chat id is the user's id
    assert rows_about(conversation.database_url, chat)

    sent = await conversation.client.send_text(chat, "/forget")
    asked = await conversation.client.wait_for(
        chat, lambda m: len(m) >= 1, after=sent["message_id"]
    )
    yes = next(b for b in _buttons(asked) if b["callback_data"] == f"forget:1:{chat}")
    await conversation.client.press(chat, asked[0]["message_id"], yes["callback_data"])
    done = await conversation.client.wait_for(
        chat, lambda m: "deleted" in _texts(m), after=asked[0]["message_id"]
    )
    assert "deleted" in _texts(done)
    assert rows_about(conversation.database_url, chat) == {}
    since_question = await conversation.client.messages(chat, after=asked[0]["message_id"] - 1)
    question = next(m for m in since_question if m["message_id"] == asked[0]["message_id"])
    assert question["buttons"] == []  # Yes/Cancel have done their job
