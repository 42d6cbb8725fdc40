"""Who may start an analysis now: a bounded number in flight, and a per-person hourly allowance."""

from __future__ import annotations

import math
from collections import defaultdict, deque
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from typing import Protocol

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


class Admits(Protocol):
    """Admission as the use-cases see it: in this process (Admission) or shared in Redis."""

    started: int
    refused: int

    @property
    def in_flight(self) -> int: ...

    def slot(self, person: int | None) -> AbstractAsyncContextManager[None]:
        """Raises Busy, or holds a place while the analysis runs (or is handed off)."""
        ...


class Admission:
    """Answers "busy" at once instead of queueing without bound."""

    def __init__(self, capacity: int, per_person_per_hour: int, clock: Callable[[], float]) -> None:
        self.capacity = capacity
        self.per_person_per_hour = per_person_per_hour
        self._clock = clock
        self._in_flight = 0
        self.started = 0
        """Analyses admitted since start (an operator counter)."""
        self.refused = 0
        """Analyses refused as busy since start, either reason (an operator counter)."""
        self._history: dict[int, deque[float]] = defaultdict(deque)

    @property
    def in_flight(self) -> int:
        return self._in_flight

    def _check_person(self, person: int) -> None:
        now = self._clock()
        history = self._history[person]
        while history and history[0] <= now - HOUR:
            history.popleft()
        if len(history) >= self.per_person_per_hour:
            raise allowance_used(self.per_person_per_hour, history[0] + HOUR - now)
        history.append(now)

    @asynccontextmanager
    async def slot(self, person: int | None) -> AsyncIterator[None]:
        try:
            if self._in_flight >= self.capacity:
                raise busy_everywhere()
            if person is not None:
                self._check_person(person)
        except Busy:
            self.refused += 1
            raise
        self.started += 1
        self._in_flight += 1
        try:
            yield
        finally:
            self._in_flight -= 1
