"""Fetched profiles in Redis, so that every process of the distributed mode reuses one fetch
(an ingress checking a /subscribe, then a worker analysing the same profile) within the time to
keep (`[instagram] cache_ttl_minutes`).

A profile is one key, `digbot:profile:<username>`, expiring by itself. It holds the posts'
photos, like the in-process cache: run that Redis without RDB snapshots or AOF
(docs/deploy.md), or they reach its disk.
"""

from __future__ import annotations

import pickle

from redis.asyncio import Redis

from instagram.models import FetchedProfile

PROFILE_PREFIX = "digbot:profile:"


class RedisProfileCache:
    """A service.cache.ProfileCache over Redis."""

    def __init__(self, redis: Redis, ttl_seconds: float) -> None:
        self.redis = redis
        self.ttl = ttl_seconds

    async def get(self, username: str) -> FetchedProfile | None:
        if self.ttl <= 0:
            return None
        data = await self.redis.get(PROFILE_PREFIX + username)
        if data is None:
            return None
        profile = pickle.loads(data)  # written by our own processes only
        return profile if isinstance(profile, FetchedProfile) else None

    async def put(self, username: str, profile: FetchedProfile) -> None:
        if self.ttl <= 0:
            return
        await self.redis.set(PROFILE_PREFIX + username, pickle.dumps(profile), ex=round(self.ttl))
