"""The distributed mode's shared state on a real Redis: kept photos (one person's token useless
to another, /forget, the per-person bound, an expiry on every key), fetched profiles (one
process's fetch reused by another, expiring) and admission (the queue's depth over all workers,
a person's hourly allowance counted across processes)."""

from __future__ import annotations

from datetime import UTC, datetime

import numpy as np
import pytest
from redis.asyncio import Redis

from analyzers.types import DecodedImage
from instagram.models import FetchedPost, FetchedProfile
from service.admission_redis import RedisAdmission
from service.errors import Busy
from service.photo_memory import KeptPhoto
from service.photo_memory_redis import PHOTO_PREFIX, RedisPhotoMemory
from service.profile_cache_redis import PROFILE_PREFIX, RedisProfileCache
from service.settings import AnalysisSettings

ALICE, BOB = 1, 2
TTL = 15 * 60


def kept(owner: int) -> KeptPhoto:
    return KeptPhoto(owner, DecodedImage(np.zeros((4, 6, 3), np.uint8), (6, 4), "JPEG"), "food")


async def test_a_kept_photo_is_its_owners_only_and_expires(redis: Redis) -> None:
    memory = RedisPhotoMemory(redis, TTL)
    token = await memory.keep(kept(ALICE))
    assert await memory.recall(BOB, token) is None
    recalled = await memory.recall(ALICE, token)
    assert recalled is not None and recalled.style == "food"
    assert 0 < await redis.ttl(PHOTO_PREFIX + token) <= TTL
    assert await memory.recall(ALICE, "not-a-token") is None


async def test_forget_and_the_per_person_bound(redis: Redis) -> None:
    memory = RedisPhotoMemory(redis, TTL, max_per_owner=2)
    first, second, third = [await memory.keep(kept(ALICE)) for _ in range(3)]
    bob = await memory.keep(kept(BOB))
    assert await memory.recall(ALICE, first) is None  # Alice keeps at most 2
    assert await memory.forget(ALICE) == 2
    assert await memory.recall(ALICE, second) is None and await memory.recall(ALICE, third) is None
    assert await memory.recall(BOB, bob) is not None


async def test_admission_counts_over_every_process(redis: Redis) -> None:
    depth = 0

    async def queue_depth() -> int:
        return depth

    clock = [1000.0]
    first, second = (
        RedisAdmission(redis, 3, 2, queue_depth, clock=lambda: clock[0]) for _ in range(2)
    )
    async with first.slot(ALICE):
        pass
    async with second.slot(ALICE):  # another ingress sees the same hour
        pass
    with pytest.raises(Busy, match="come back in 60 min"):
        async with first.slot(ALICE):
            pass
    clock[0] += 3600
    async with second.slot(ALICE):
        pass
    depth = 3
    with pytest.raises(Busy, match="busy analysing"):
        async with first.slot(BOB):
            pass
    assert (first.started, first.refused, second.started, second.refused) == (1, 2, 2, 0)


async def test_the_default_queue_admits_a_photo_from_each_of_100_people(redis: Redis) -> None:
    queued = 0

    async def queue_depth() -> int:
        return queued

    defaults = AnalysisSettings()
    ingress = RedisAdmission(redis, defaults.queue_size, defaults.per_person_per_hour, queue_depth)
    for person in range(100):  # before: the 33rd was told "busy"
        async with ingress.slot(person):
            queued += 1  # each admitted photo waits in the queue
    queued = defaults.queue_size
    with pytest.raises(Busy, match="busy analysing"):
        async with ingress.slot(1000):
            pass
    assert (ingress.started, ingress.refused) == (100, 1)


def _profile(username: str) -> FetchedProfile:
    when = datetime(2026, 12, 1, 9, tzinfo=UTC)
    post = FetchedPost("C1", when, 12, 1, "a caption", ("tag",), (), False, [b"\xff\xd8jpeg"])
    return FetchedProfile(
        username, None, None, 100, 10, 1, False, posts=[post], fetched_at=when, source="directory"
    )


async def test_one_process_fetch_is_reused_by_another_and_expires(redis: Redis) -> None:
    ingress, worker = RedisProfileCache(redis, TTL), RedisProfileCache(redis, TTL)
    assert await worker.get("natgeo") is None
    await ingress.put("natgeo", _profile("natgeo"))
    cached = await worker.get("natgeo")
    assert cached is not None and cached.posts[0].images == [b"\xff\xd8jpeg"]
    assert 0 < await redis.ttl(PROFILE_PREFIX + "natgeo") <= TTL
    off = RedisProfileCache(redis, 0)  # cache_ttl_minutes = 0: never cached
    await off.put("nasa", _profile("nasa"))
    assert await off.get("natgeo") is None and not await redis.exists(PROFILE_PREFIX + "nasa")
