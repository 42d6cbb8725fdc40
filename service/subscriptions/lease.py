"""One active scheduler across processes: a lease in the database.

Every `digbot run` starts its scheduler paused: passive, it still adds and drops jobs in the
shared job store for its own /subscribe and /unsubscribe, but runs none. The process holding the
lease runs them. It renews the lease every third of its length; another process that finds it
expired (the holder died, hung or lost the database) takes it over, makes the jobs match the
subscriptions table and resumes. On a clean stop the holder gives the lease up, so another takes
over at its next try. A holder on this machine whose process is gone holds nothing
(`storage.holders`): a bot restarted after a crash (`make run`) does not wait for it to expire.

The lease's times come from the processes' clocks: machines sharing a database must agree on
the time to well within the lease's length (NTP does).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable
from datetime import datetime

from storage.holders import new_holder
from storage.repositories.leases import LeasesRepository

log = logging.getLogger(__name__)

SCHEDULER_LEASE = "scheduler"


class Lease:
    """The lease `name`, as this process sees it."""

    def __init__(
        self,
        rows: LeasesRepository,
        now: Callable[[], datetime],
        seconds: float,
        name: str = SCHEDULER_LEASE,
    ) -> None:
        self.rows = rows
        self.now = now
        self.seconds = seconds
        self.name = name
        self.holder = new_holder()

    async def hold(self) -> bool:
        """Take or renew the lease; whether this process holds it now."""
        return await self.rows.acquire(self.name, self.holder, self.now(), self.seconds)

    async def release(self) -> None:
        await self.rows.release(self.name, self.holder)


class ActiveWhileHeld:
    """Calls `activate` when this process gets the lease, `deactivate` when it loses it, and
    `tick` at every renewal while it holds it; tries every third of the lease's length."""

    def __init__(
        self,
        lease: Lease,
        *,
        activate: Callable[[], Awaitable[None]],
        deactivate: Callable[[], None],
        tick: Callable[[], None],
    ) -> None:
        self.lease = lease
        self.activate = activate
        self.deactivate = deactivate
        self.tick = tick
        self.active = False
        self._task: asyncio.Task[None] | None = None
        self._checking = asyncio.Lock()

    async def check(self) -> bool:
        """Take or renew the lease once and act on the outcome; whether this process is active."""
        async with self._checking:
            return await self._check()

    async def _check(self) -> bool:
        try:
            held = await self.lease.hold()
        except Exception:
            log.exception("scheduler lease: could not reach the database; standing by")
            held = False
        if held and not self.active:
            await self.activate()
            self.active = True
            log.info(
                "scheduler lease taken (%s): this process runs the scheduled jobs",
                self.lease.holder,
            )
        elif held:
            self.tick()
        elif self.active:
            self.deactivate()
            self.active = False
            log.warning("scheduler lease lost: another process runs the scheduled jobs now")
        return self.active

    async def _keep(self) -> None:
        while True:
            await asyncio.sleep(self.lease.seconds / 3)
            await self.check()

    async def start(self) -> None:
        """Try once now (the first process to start is active before this returns), then keep
        trying in the background."""
        if not await self.check():
            log.info("scheduler lease held by another process: this scheduler stands by")
        self._task = asyncio.create_task(self._keep(), name="scheduler-lease")

    async def stop(self, *, release: bool = True) -> None:
        """Stop renewing; `release`: give the lease up if held, so another process takes over
        at its next try (a process that hangs or dies does not: the lease expires instead)."""
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None
        if self.active and release:
            self.active = False
            with contextlib.suppress(Exception):
                await self.lease.release()
