"""Concurrent first writes of the same row make one row (INSERT … ON CONFLICT), on both backends."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select

from bot.settings import Settings
from storage.database import Database
from storage.models import Base, Post, Profile, Subscription, User
from storage.repositories import Repositories
from storage.repositories.analyses import AnalysisRecord
from storage.repositories.profiles import PostRow, ProfileRow

pytestmark = pytest.mark.both_backends

NOW = datetime(2026, 1, 1, tzinfo=UTC)


@pytest.fixture
async def repositories(settings: Settings) -> AsyncIterator[Repositories]:
    db = Database(settings.database_url)
    await db.migrate()
    yield Repositories.open(db, lambda: NOW)
    await db.close()


async def _count(repositories: Repositories, table: type[Base]) -> int:
    return await repositories.db.scalar(select(func.count()).select_from(table))


async def test_concurrent_first_touches_make_one_person(repositories: Repositories) -> None:
    blocked_before = await asyncio.gather(
        *(repositories.people.touch(7, 7, "en") for _ in range(8))
    )
    assert blocked_before == [False] * 8
    assert await _count(repositories, User) == 1
    await repositories.people.set_blocked(7, True)
    assert await repositories.people.touch(7, 70, "de") is True
    assert await repositories.people.touch(7, 70, "de") is False


async def test_concurrent_first_follows_make_one_profile(repositories: Repositories) -> None:
    for person in range(1, 7):
        await repositories.people.touch(person, person, None)
    new = await asyncio.gather(
        *(repositories.subscriptions.subscribe(p, "natgeo", "daily") for p in range(1, 7)),
        repositories.subscriptions.subscribe(1, "natgeo", "daily"),
    )
    assert sorted(new) == [False] + [True] * 6  # person 1's second follow changed nothing
    assert await _count(repositories, Profile) == 1
    assert await _count(repositories, Subscription) == 6
    assert await repositories.subscriptions.subscribe(1, "natgeo", "weekly") is True
    assert await repositories.subscriptions.period_of(1, "natgeo") == "weekly"


def _post(shortcode: str, likes: int) -> PostRow:
    return PostRow(shortcode, NOW, likes, 1, "caption", False, {"style": "food"}, b"\x00\x01")


async def test_concurrent_saves_of_a_profile_keep_one_row_per_post(
    repositories: Repositories,
) -> None:
    profile = ProfileRow("natgeo", "National Geographic", 10, 5, NOW)
    analysis = AnalysisRecord("profile", {"n": 2}, None, {"style": "1"}, NOW)
    posts = [_post("a", 1), _post("b", 2)]
    await asyncio.gather(
        *(repositories.profiles.save_analysis(profile, posts, analysis) for _ in range(4))
    )
    more = ProfileRow("natgeo", "NatGeo", 11, 5, NOW)
    again = [_post("b", 19), _post("b", 20), _post("c", 3)]  # a post listed twice: the last
    await repositories.profiles.save_analysis(more, again, analysis)
    assert await _count(repositories, Profile) == 1
    async with repositories.db.session() as session:
        likes = dict((await session.execute(select(Post.shortcode, Post.likes))).all())
        stored = await session.scalar(select(Profile))
    assert likes == {"a": 1, "b": 20, "c": 3}
    assert stored is not None and (stored.full_name, stored.followers) == ("NatGeo", 11)
