"""Telegram pacing shared in Redis: two senders (two processes of the distributed mode) draw
from one budget per chat, per group and overall, on Redis's clock. Delays are recorded by a
fake sleep, so nothing waits; the calls are milliseconds apart (more on a loaded machine),
hence the tolerance."""

from __future__ import annotations

import pytest
from redis.asyncio import Redis

from bot.pacing import Limit
from bot.pacing_redis import RedisPacer


class Sleeps:
    def __init__(self) -> None:
        self.delays: list[float] = []

    async def __call__(self, delay: float) -> None:
        self.delays.append(delay)


async def test_two_senders_share_one_chat_budget(redis: Redis) -> None:
    limits = {"per_chat": Limit(rate=1.0, burst=3), "overall": Limit(rate=1000.0, burst=100)}
    first, second = RedisPacer(redis, **limits), RedisPacer(redis, **limits)
    sleeps = Sleeps()
    for pacer in (first, second, first):
        await pacer.wait_turn(42, sleep=sleeps)
    assert sleeps.delays == []  # the burst of 3, over both senders
    await second.wait_turn(42, sleep=sleeps)
    assert sleeps.delays == [pytest.approx(1.0, abs=0.3)]  # the 4th waits a second
    await second.wait_turn(43, sleep=sleeps)  # another chat has its own budget
    assert len(sleeps.delays) == 1 and second.paced == 1


async def test_the_overall_budget_is_shared(redis: Redis) -> None:
    limits = {"per_chat": Limit(rate=100.0, burst=100), "overall": Limit(rate=2.0)}
    first, second = RedisPacer(redis, **limits), RedisPacer(redis, **limits)
    sleeps = Sleeps()
    await first.wait_turn(1, sleep=sleeps)
    await second.wait_turn(2, sleep=sleeps)  # another chat, the same token
    assert sleeps.delays == [pytest.approx(0.5, abs=0.3)]


async def test_a_groups_budget_is_shared(redis: Redis) -> None:
    sleeps = Sleeps()
    group = RedisPacer(redis, per_group=Limit(rate=20 / 60), overall=Limit(rate=1000.0))
    other = RedisPacer(redis, per_group=Limit(rate=20 / 60), overall=Limit(rate=1000.0))
    await group.wait_turn(-100, sleep=sleeps)
    await other.wait_turn(-100, sleep=sleeps)
    # 20 a minute in one group (then, since the fake sleep let no time pass, maybe a
    # millisecond for the overall turn)
    assert sleeps.delays[0] == pytest.approx(3.0, abs=0.5) and sum(sleeps.delays[1:]) < 0.01
