"""Who may start an analysis now: a bounded number in flight, and a per-person hourly allowance."""

from __future__ import annotations

import math
from collections import defaultdict, deque
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager

from service.errors import Busy

HOUR = 3600.0


def busy_everywhere() -> Busy:
    """The refusal when as many analyses as allowed are waiting or running."""
    return Busy(
        "I am busy analysing for many people right now. Please try again in a minute.",
        retry_after=60,
    )


def allowance_used(per_hour: int, wait: float) -> Busy:
    """The refusal when a person started `per_hour` analyses in the last hour."""
    minutes = max(1, math.ceil(wait / 60))
    return Busy(
        f"You have started {per_hour} analyses in the last hour, which is "
        f"the limit. Please come back in {minutes} min.",
        retry_after=wait,
    )


class Counted:
    """Admission as the use-cases see it (`slot`), with its operator counters, around the check
    that admits an analysis: in this process (Admission) or in Redis (RedisAdmission)."""

    def __init__(self) -> None:
        self._in_flight = 0
        self.started = 0
        """Analyses admitted since start (an operator counter)."""
        self.refused = 0
        """Analyses refused as busy since start, either reason (an operator counter)."""

    @property
    def in_flight(self) -> int:
        """Analyses this process holds a place for right now."""
        return self._in_flight

    async def _check(self, person: int | None) -> None:
        """Raise Busy when the analysis may not start now."""
        raise NotImplementedError

    @asynccontextmanager
    async def slot(self, person: int | None) -> AsyncIterator[None]:
        try:
            await self._check(person)
        except Busy:
            self.refused += 1
            raise
        self.started += 1
        self._in_flight += 1
        try:
            yield
        finally:
            self._in_flight -= 1


class Admission(Counted):
    """Answers "busy" at once instead of queueing without bound."""

    def __init__(self, capacity: int, per_person_per_hour: int, clock: Callable[[], float]) -> None:
        super().__init__()
        self.capacity = capacity
        self.per_person_per_hour = per_person_per_hour
        self._clock = clock
        self._history: dict[int, deque[float]] = defaultdict(deque)

    def _check_person(self, person: int) -> None:
        now = self._clock()
        history = self._history[person]
        while history and history[0] <= now - HOUR:
            history.popleft()
        if len(history) >= self.per_person_per_hour:
            raise allowance_used(self.per_person_per_hour, history[0] + HOUR - now)
        history.append(now)

    async def _check(self, person: int | None) -> None:
        if self._in_flight >= self.capacity:
            raise busy_everywhere()
        if person is not None:
            self._check_person(person)
