"""Kept photos in Redis, so the process that answers "Why <style>?" (an ingress, then a worker)
finds the photo another process kept (the distributed mode).

A photo is one key, `digbot:photo:<token>`, expiring after the time to keep; its owner's tokens
are a sorted set (oldest first) that bounds how many one person has and lets /forget drop them.
Redis expires the keys by itself, so there is nothing to purge. The copies are in Redis's
memory only while they live: run that Redis without RDB snapshots or AOF (docs/deploy.md), or
they reach its disk.
"""

from __future__ import annotations

import pickle
import secrets
import time

from redis.asyncio import Redis

from service.photo_memory import TOKEN_BYTES, KeptPhoto

PHOTO_PREFIX = "digbot:photo:"
OWNER_PREFIX = "digbot:photos-of:"


class RedisPhotoMemory:
    """The same contract as PhotoMemory (a service.photo_memory.PhotoStore), over Redis."""

    def __init__(self, redis: Redis, ttl_seconds: float, *, max_per_owner: int = 4) -> None:
        self.redis = redis
        self.ttl = ttl_seconds
        self.max_per_owner = max_per_owner

    @property
    def enabled(self) -> bool:
        return self.ttl > 0

    async def keep(self, photo: KeptPhoto) -> str:
        token = secrets.token_urlsafe(TOKEN_BYTES)
        owned = f"{OWNER_PREFIX}{photo.owner}"
        ttl = max(1, round(self.ttl))
        async with self.redis.pipeline(transaction=True) as pipe:
            pipe.set(PHOTO_PREFIX + token, pickle.dumps(photo), ex=ttl)
            pipe.zadd(owned, {token: time.time()})
            pipe.expire(owned, ttl)
            pipe.zrange(owned, 0, -1 - self.max_per_owner)
            *_, evicted = await pipe.execute()
        if evicted:
            await self.redis.delete(*(PHOTO_PREFIX + t.decode() for t in evicted))
            await self.redis.zrem(owned, *evicted)
        return token

    async def recall(self, owner: int, token: str) -> KeptPhoto | None:
        data = await self.redis.get(PHOTO_PREFIX + token)
        if data is None:
            return None
        photo: KeptPhoto = pickle.loads(data)
        return photo if photo.owner == owner else None

    async def forget(self, owner: int) -> int:
        owned = f"{OWNER_PREFIX}{owner}"
        tokens = await self.redis.zrange(owned, 0, -1)
        dropped = (
            await self.redis.delete(*(PHOTO_PREFIX + t.decode() for t in tokens)) if tokens else 0
        )
        await self.redis.delete(owned)
        return int(dropped)

    def purge(self) -> int:
        return 0
