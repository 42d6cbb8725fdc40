"""Who may start an analysis now, and when.

What "busy" means, for an operator: the analyses already admitted (waiting or running, over
everyone) would keep a newcomer waiting longer than a person would accept. That bound is
`[analysis] queue_size`, sized by the wait it implies (queue_size ÷ reports per second) and by
the burst it absorbs: one photo each from ~100 people arriving at once must be answered, not
refused (config.toml says how the default was chosen). Below it nobody is refused; above it
the answer is "busy, try again in a minute" at once rather than a wait without bound.

Within that bound, one person's analyses run one at a time, in the order they came: a second
photo sent before the first is answered waits its turn (counted in the bound) instead of
taking a second worker, so ten photos from one person do not make everyone else wait behind
them. A per-person hourly allowance caps what one person can ask for at all.
"""

from __future__ import annotations

import asyncio
import math
from collections import Counter, defaultdict, deque
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
    """Admission as the use-cases see it (`slot`), with its operator counters and each
    person's turn, around the check that admits an analysis: in this process (Admission) or
    in Redis (RedisAdmission)."""

    def __init__(self, *, in_turn: bool = True) -> None:
        self.in_turn = in_turn
        """Whether one person's analyses run one at a time (False: a worker of the
        distributed mode, which must not hold a task the queue gave it idle)."""
        self._in_flight = 0
        self._turns: dict[int, asyncio.Lock] = {}
        self._admitted: Counter[int] = Counter()
        """Per person: their analyses admitted here and not finished (running or waiting)."""
        self.started = 0
        """Analyses admitted since start (an operator counter)."""
        self.refused = 0
        """Analyses refused as busy since start, either reason (an operator counter)."""

    @property
    def in_flight(self) -> int:
        """Analyses this process holds a place for right now (running or waiting their turn)."""
        return self._in_flight

    @asynccontextmanager
    async def _turn(self, person: int | None) -> AsyncIterator[None]:
        """Wait until the person's earlier analyses (in this process) are done (FIFO)."""
        if person is None or not self.in_turn:
            yield
            return
        lock = self._turns.setdefault(person, asyncio.Lock())
        self._admitted[person] += 1
        try:
            async with lock:
                yield
        finally:
            self._admitted[person] -= 1
            if not self._admitted[person]:
                del self._admitted[person], self._turns[person]

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
            async with self._turn(person):
                yield
        finally:
            self._in_flight -= 1


class Admission(Counted):
    """Answers "busy" at once when `capacity` analyses are admitted, instead of queueing
    without bound; below it, everyone is admitted."""

    def __init__(
        self,
        capacity: int,
        per_person_per_hour: int,
        clock: Callable[[], float],
        *,
        in_turn: bool = True,
    ) -> None:
        super().__init__(in_turn=in_turn)
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
