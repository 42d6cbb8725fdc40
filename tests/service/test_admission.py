"""Admission in one process: "busy" only when the queue is really full, a burst of one photo
from each of 100 people admitted at the default queue size, and one person's analyses in turn."""

from __future__ import annotations

import asyncio
from contextlib import AsyncExitStack

import pytest

from service.admission import Admission
from service.errors import Busy
from service.settings import AnalysisSettings

ALICE, BOB = 1, 2


def admission(capacity: int, *, in_turn: bool = True) -> Admission:
    return Admission(capacity, 1000, clock=lambda: 0.0, in_turn=in_turn)


async def settle() -> None:
    """Let every task that can run do so (no timing: each yield runs the ready callbacks)."""
    for _ in range(10):
        await asyncio.sleep(0)


async def test_the_default_queue_admits_a_photo_from_each_of_100_people_at_once() -> None:
    defaults = AnalysisSettings()
    gate = Admission(defaults.queue_size, defaults.per_person_per_hour, clock=lambda: 0.0)
    async with AsyncExitStack() as held:  # before: 32 admitted, 68 told "busy"
        for person in range(100):
            await held.enter_async_context(gate.slot(person))
        assert gate.in_flight == 100
    assert (gate.started, gate.refused, gate.in_flight) == (100, 0, 0)


async def test_busy_only_once_the_queue_is_full_and_not_after() -> None:
    gate = admission(3)
    async with AsyncExitStack() as held:
        for person in range(3):
            await held.enter_async_context(gate.slot(person))
        with pytest.raises(Busy, match="busy analysing"):
            async with gate.slot(99):
                pass
    async with gate.slot(99):
        pass
    assert (gate.started, gate.refused) == (4, 1)


async def test_a_persons_analyses_run_one_at_a_time_in_the_order_they_came() -> None:
    gate = admission(10)
    ran: list[str] = []
    release = {name: asyncio.Event() for name in ("first", "second", "third", "bob")}

    async def analysis(person: int, name: str) -> None:
        async with gate.slot(person):
            ran.append(name)
            await release[name].wait()

    tasks = [
        asyncio.create_task(analysis(person, name))
        for person, name in ((ALICE, "first"), (ALICE, "second"), (ALICE, "third"), (BOB, "bob"))
    ]
    await settle()
    assert ran == ["first", "bob"]  # before: all four at once
    assert gate.in_flight == 4  # the waiting ones hold their place in the queue
    release["second"].set()  # done early: it still waits for the first
    await settle()
    assert ran == ["first", "bob"]
    release["first"].set()
    await settle()
    assert ran == ["first", "bob", "second", "third"]
    release["third"].set()
    release["bob"].set()
    await asyncio.gather(*tasks)
    assert gate.in_flight == 0 and not gate._turns


async def test_a_worker_runs_what_the_queue_gives_it_at_once() -> None:
    gate = admission(2, in_turn=False)
    async with gate.slot(ALICE), gate.slot(ALICE):
        assert gate.in_flight == 2
