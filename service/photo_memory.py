"""A short-lived, in-memory copy of a photo a person sent, so "Why <style>?" can explain it.

The bot keeps derived numbers, not photos. The heat map behind the button needs the pixels a
little longer than the analysis, so a downsized copy stays here — never on disk, never in the
database — for `ttl_seconds`, under an unguessable token that only the sender can redeem.
Expired copies are dropped on every access and by `purge()` (which the service runs
periodically), and `forget(owner)` drops a person's copies at once (/forget).
"""

from __future__ import annotations

import secrets
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

from analyzers.types import DecodedImage

TOKEN_BYTES = 12
"""96 random bits, 16 URL-safe characters: fits Telegram's 64-byte callback data easily."""


@dataclass(frozen=True)
class KeptPhoto:
    owner: int
    """The Telegram user who sent the photo: the only one who may use it."""
    image: DecodedImage
    """A downsized copy (the service keeps at most `KEPT_SIDE` pixels on the long side)."""
    style: str
    """The style id the report named, which the heat map explains."""
    position: int | None = None
    """The photo's place in an album it came from (1-based), None for a single photo."""


class PhotoStore(Protocol):
    """Where kept photos live: this process's memory (PhotoMemory) or Redis, shared by the
    distributed mode's processes (service.photo_memory_redis)."""

    ttl: float

    @property
    def enabled(self) -> bool: ...

    async def keep(self, photo: KeptPhoto) -> str: ...

    async def recall(self, owner: int, token: str) -> KeptPhoto | None: ...

    async def forget(self, owner: int) -> int: ...

    def purge(self) -> int:
        """Drop what expired (Redis expires keys by itself: nothing to do there)."""
        ...


class PhotoMemory:
    """Kept photos by token, oldest evicted first beyond `max_items` (and `max_per_owner`)."""

    def __init__(
        self,
        ttl_seconds: float,
        clock: Callable[[], float],
        *,
        max_items: int = 64,
        max_per_owner: int = 4,
    ) -> None:
        self.ttl = ttl_seconds
        self.max_items = max_items
        self.max_per_owner = max_per_owner
        self._clock = clock
        self._items: OrderedDict[str, tuple[float, KeptPhoto]] = OrderedDict()

    @property
    def enabled(self) -> bool:
        """False when the time to keep is 0: no photo is kept, no button offered."""
        return self.ttl > 0

    def __len__(self) -> int:
        return len(self._items)

    async def keep(self, photo: KeptPhoto) -> str:
        """Store `photo`; returns the token that redeems it."""
        self.purge()
        token = secrets.token_urlsafe(TOKEN_BYTES)
        self._items[token] = (self._clock(), photo)
        owned = [t for t, (_, p) in self._items.items() if p.owner == photo.owner]
        for old in owned[: max(0, len(owned) - self.max_per_owner)]:
            del self._items[old]
        while len(self._items) > self.max_items:
            self._items.popitem(last=False)
        return token

    async def recall(self, owner: int, token: str) -> KeptPhoto | None:
        """The photo behind `token` if it is `owner`'s and has not expired; else None.

        Another person's token answers None and leaves the photo untouched.
        """
        self.purge()
        item = self._items.get(token)
        if item is None or item[1].owner != owner:
            return None
        return item[1]

    async def forget(self, owner: int) -> int:
        """Drop every photo of `owner`; returns how many there were."""
        tokens = [t for t, (_, p) in self._items.items() if p.owner == owner]
        for token in tokens:
            del self._items[token]
        return len(tokens)

    def purge(self) -> int:
        """Drop the expired photos (they are in insertion order, so the oldest come first)."""
        deadline = self._clock() - self.ttl
        dropped = 0
        while self._items:
            token, (stored_at, _) = next(iter(self._items.items()))
            if stored_at > deadline:
                break
            del self._items[token]
            dropped += 1
        return dropped
