"""A small in-memory cache with a time-to-live and a size bound, and the profile cache built on
it (or on Redis, when processes share it)."""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable
from typing import Generic, Protocol, TypeVar

from instagram.models import FetchedProfile

V = TypeVar("V")


class TTLCache(Generic[V]):
    def __init__(self, ttl_seconds: float, clock: Callable[[], float], max_items: int = 64) -> None:
        self.ttl = ttl_seconds
        self.max_items = max_items
        self._clock = clock
        self._items: OrderedDict[str, tuple[float, V]] = OrderedDict()

    def get(self, key: str) -> V | None:
        item = self._items.get(key)
        if item is None:
            return None
        stored_at, value = item
        if self._clock() - stored_at >= self.ttl:
            del self._items[key]
            return None
        self._items.move_to_end(key)
        return value

    def put(self, key: str, value: V) -> None:
        self._items[key] = (self._clock(), value)
        self._items.move_to_end(key)
        while len(self._items) > self.max_items:
            self._items.popitem(last=False)

    def discard(self, key: str) -> None:
        self._items.pop(key, None)


class ProfileCache(Protocol):
    """Fetched profiles kept for a while, so asking again soon does not fetch again."""

    async def get(self, username: str) -> FetchedProfile | None: ...

    async def put(self, username: str, profile: FetchedProfile) -> None: ...


class LocalProfileCache:
    """This process's profiles (the embedded mode; service.profile_cache_redis shares them)."""

    def __init__(self, ttl_seconds: float, clock: Callable[[], float]) -> None:
        self._items: TTLCache[FetchedProfile] = TTLCache(ttl_seconds, clock)

    async def get(self, username: str) -> FetchedProfile | None:
        return self._items.get(username)

    async def put(self, username: str, profile: FetchedProfile) -> None:
        self._items.put(username, profile)
