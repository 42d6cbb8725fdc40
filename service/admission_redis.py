"""Admission shared by every ingress: the same limits as service.admission, counted in Redis.

The number of analyses waiting or running is the queue's depth over all workers; a person's
analyses of the last hour are a sorted set of start times (score: seconds of the Redis-shared
clock, `time.time()`), trimmed at each check and expiring an hour after the last start.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager

from redis.asyncio import Redis

from service.admission import HOUR, allowance_used, busy_everywhere
from service.errors import Busy

PERSON_PREFIX = "digbot:admitted:"


class RedisAdmission:
    """Answers "busy" at once when the queue is full or the person's hour is used up."""

    def __init__(
        self,
        redis: Redis,
        capacity: int,
        per_person_per_hour: int,
        depth: Callable[[], Awaitable[int]],
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.redis = redis
        self.capacity = capacity
        self.per_person_per_hour = per_person_per_hour
        self._depth = depth
        self._clock = clock
        self.started = 0
        """Analyses this process admitted since start (an operator counter)."""
        self.refused = 0
        """Analyses this process refused as busy since start (an operator counter)."""
        self.in_flight = 0
        """Analyses this process is handing to the queue right now."""

    async def _check_person(self, person: int) -> None:
        key = f"{PERSON_PREFIX}{person}"
        now = self._clock()
        async with self.redis.pipeline(transaction=True) as pipe:
            pipe.zremrangebyscore(key, "-inf", now - HOUR)
            pipe.zrange(key, 0, 0, withscores=True)
            pipe.zcard(key)
            _, oldest, count = await pipe.execute()
        if count >= self.per_person_per_hour:
            raise allowance_used(self.per_person_per_hour, oldest[0][1] + HOUR - now)
        async with self.redis.pipeline(transaction=True) as pipe:
            pipe.zadd(key, {uuid.uuid4().hex: now})
            pipe.expire(key, int(HOUR) + 1)
            await pipe.execute()

    @asynccontextmanager
    async def slot(self, person: int | None) -> AsyncIterator[None]:
        try:
            if await self._depth() >= self.capacity:
                raise busy_everywhere()
            if person is not None:
                await self._check_person(person)
        except Busy:
            self.refused += 1
            raise
        self.started += 1
        self.in_flight += 1
        try:
            yield
        finally:
            self.in_flight -= 1
