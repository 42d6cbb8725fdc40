"""Unreadable data does not look like a normal result: a profile folder where 2 of 9 post files
are damaged gets its report and a line saying so; one where all are damaged gets an error that
says what to do, not an ordinary report. Real files in instaloader's format, the playground over
real HTTP; no models (the report's numbers are not the point)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.runtimes import RuntimeName
from tests.e2e.conftest import Running
from tests.e2e.replies import View
from tests.fixtures.instagram_fixture import FixturePost, sample_jpeg, write_profile


@pytest.fixture
def runtime_name() -> RuntimeName:
    """aiogram only: what these tests check (damaged posts named, an unreadable profile
    refused) is service and report code; the runtimes share the /analyze route's conversation,
    which test_conversations runs on both."""
    return "aiogram"


pytestmark = [pytest.mark.slow, pytest.mark.without_models]

CHAT = 6501


def nine_posts(root: Path, username: str, damaged: int) -> None:
    start = datetime(2026, 9, 1, 8, tzinfo=UTC)
    posts = [
        FixturePost(taken_at=start + timedelta(days=i), caption=f"day {i}", images=[sample_jpeg(i)])
        for i in range(9)
    ]
    folder = write_profile(root, username, posts)
    for path in sorted(folder.glob("*_UTC.json.xz"))[:damaged]:
        path.write_bytes(path.read_bytes()[:40])  # a download cut short


async def answer(running: Running, text: str, done: str) -> list[View]:
    sent = await running.client.send_text(CHAT, text)
    return await running.client.wait_for(
        CHAT, lambda m: any(done in (x["text"] or "") for x in m), after=sent["message_id"]
    )


async def test_some_damaged_posts_are_named_in_the_answer(
    running: Running, profiles_root: Path
) -> None:
    nine_posts(profiles_root, "ninepics", damaged=2)
    replies = await answer(running, "/analyze ninepics", "could not be read")
    assert any(
        "2 of 9 posts could not be read, so this report is about 7." in (m["text"] or "")
        for m in replies
    )


async def test_a_profile_with_nothing_readable_is_an_error(
    running: Running, profiles_root: Path
) -> None:
    nine_posts(profiles_root, "brokenpics", damaged=9)
    replies = await answer(running, "/analyze brokenpics", "could not read")
    last = replies[-1]["text"]
    assert "could not read any of the 9 posts of @brokenpics" in last
    assert "download the profile again" in last
    assert not any(m["photos"] for m in replies)  # no charts: no report
