"""Admission shared by every ingress: the same limits as service.admission, counted in Redis.

The number of analyses waiting or running is the queue's depth over all workers; a person's
analyses of the last hour are a sorted set of start times (score: seconds of the Redis-shared
clock, `time.time()`), trimmed at each check and expiring an hour after the last start. "Busy"
means what it means in one process (service.admission): `queue_size` tasks waiting or running
over all workers. A person's turn (one analysis at a time) is kept by each process for what it
runs: the ingress only enqueues, so its turn is over at once, and the workers take tasks as the
queue gives them (`in_turn=False`: a worker does not hold a task it was given idle).
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Awaitable, Callable

from redis.asyncio import Redis

from service.admission import HOUR, Counted, allowance_used, busy_everywhere

PERSON_PREFIX = "digbot:admitted:"


class RedisAdmission(Counted):
    """Answers "busy" at once when `capacity` tasks are queued or running over all workers, or
    the person's hour is used up; below that, everyone is admitted."""

    def __init__(
        self,
        redis: Redis,
        capacity: int,
        per_person_per_hour: int,
        depth: Callable[[], Awaitable[int]],
        clock: Callable[[], float] = time.time,
    ) -> None:
        super().__init__()
        self.redis = redis
        self.capacity = capacity
        self.per_person_per_hour = per_person_per_hour
        self._depth = depth
        self._clock = clock

    async def _check(self, person: int | None) -> None:
        if await self._depth() >= self.capacity:
            raise busy_everywhere()
        if person is None:
            return
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
