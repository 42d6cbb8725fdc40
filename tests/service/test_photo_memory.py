"""The short-lived photo memory behind "Why <style>?": expiry on a controlled clock, one
person's token useless to another, /forget, and the size bounds; and how the service uses it
(the setting turns it off, a heat map counts against the hourly allowance)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import numpy as np
import pytest

from analyzers.pipeline import LoadedAnalyzers
from analyzers.types import DecodedImage
from bot.container import Container
from bot.settings import Settings
from service.app import KEPT_SIDE
from service.errors import Busy
from service.photo_memory import KeptPhoto, PhotoMemory
from tests.fixtures.instagram_fixture import coffee_jpeg

ALICE, BOB = 1, 2
TTL = 15 * 60


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def kept(owner: int, style: str = "food") -> KeptPhoto:
    pixels = np.zeros((4, 6, 3), np.uint8)
    return KeptPhoto(owner, DecodedImage(pixels, (6, 4), "JPEG"), style)


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def memory(clock: Clock) -> PhotoMemory:
    return PhotoMemory(TTL, clock)


async def test_a_photo_is_recalled_until_it_expires(memory: PhotoMemory, clock: Clock) -> None:
    photo = kept(ALICE)
    token = await memory.keep(photo)
    clock.now += TTL - 1
    assert await memory.recall(ALICE, token) is photo
    clock.now += 1
    assert await memory.recall(ALICE, token) is None
    assert len(memory) == 0


async def test_purge_drops_only_the_expired(memory: PhotoMemory, clock: Clock) -> None:
    old = await memory.keep(kept(ALICE))
    clock.now += TTL / 2
    new = await memory.keep(kept(BOB))
    clock.now += TTL / 2
    assert memory.purge() == 1
    assert await memory.recall(ALICE, old) is None
    assert await memory.recall(BOB, new) is not None


async def test_another_persons_token_gives_nothing_and_leaves_the_photo(
    memory: PhotoMemory,
) -> None:
    token = await memory.keep(kept(ALICE))
    assert await memory.recall(BOB, token) is None
    assert await memory.recall(ALICE, token) is not None
    assert await memory.recall(ALICE, "not-a-token") is None


async def test_forget_drops_every_photo_of_that_person_only(memory: PhotoMemory) -> None:
    alice = [await memory.keep(kept(ALICE)) for _ in range(3)]
    bob = await memory.keep(kept(BOB))
    assert await memory.forget(ALICE) == 3
    assert all([await memory.recall(ALICE, token) is None for token in alice])
    assert await memory.recall(BOB, bob) is not None
    assert await memory.forget(ALICE) == 0


async def test_tokens_are_unguessable_and_fit_callback_data(memory: PhotoMemory) -> None:
    tokens = {await memory.keep(kept(owner)) for owner in range(50)}
    assert len(tokens) == 50
    assert all(len(t) == 16 and ":" not in t for t in tokens)


async def test_bounds_evict_the_oldest(clock: Clock) -> None:
    memory = PhotoMemory(TTL, clock, max_items=3, max_per_owner=2)
    first, second, third = [await memory.keep(kept(ALICE)) for _ in range(3)]
    assert await memory.recall(ALICE, first) is None  # Alice keeps at most 2
    assert await memory.recall(ALICE, second) and await memory.recall(ALICE, third)
    others = [await memory.keep(kept(owner)) for owner in (BOB, 3)]
    assert len(memory) == 3
    assert await memory.recall(ALICE, second) is None  # the oldest overall went first
    assert all([await memory.recall(owner, t) for owner, t in zip((BOB, 3), others, strict=True)])


def test_zero_minutes_means_disabled(clock: Clock) -> None:
    assert not PhotoMemory(0, clock).enabled
    assert PhotoMemory(TTL, clock).enabled


@asynccontextmanager
async def started(
    settings: Settings, analyzers: LoadedAnalyzers, **sections: dict[str, Any]
) -> AsyncIterator[Container]:
    changed = settings.model_copy(
        update={
            name: getattr(settings, name).model_copy(update=values)
            for name, values in sections.items()
        }
    )
    service = Container(changed, analyzers=analyzers, clock=Clock())
    await service.start()
    await service.repositories.people.touch(ALICE, ALICE, None)  # as the bot does for every update
    try:
        yield service
    finally:
        await service.close()


@pytest.mark.slow
async def test_zero_minutes_keeps_no_photo_and_offers_no_button(
    settings: Settings, analyzers: LoadedAnalyzers
) -> None:
    async with started(settings, analyzers, privacy={"photo_memory_minutes": 0}) as service:
        report = await service.service.photo_report(coffee_jpeg(), user_id=ALICE)
        assert report.explain is None and len(service.photos) == 0


@pytest.mark.slow
async def test_a_heat_map_is_an_analysis_for_the_hourly_allowance(
    settings: Settings, analyzers: LoadedAnalyzers
) -> None:
    async with started(settings, analyzers, analysis={"per_person_per_hour": 2}) as service:
        report = await service.service.photo_report(coffee_jpeg(), user_id=ALICE)
        assert report.explain is not None
        kept = await service.service.kept_photo(ALICE, report.explain.token)
        assert kept is not None and max(kept.image.width, kept.image.height) <= KEPT_SIDE
        jpeg = await service.service.explain_photo(ALICE, kept)
        assert jpeg.startswith(b"\xff\xd8\xff")
        with pytest.raises(Busy):
            await service.service.explain_photo(ALICE, kept)
