"""Charts drawn in worker processes, off the bot's process.

matplotlib holds the GIL for the whole drawing (the selfie card: ~0.6 s of layout and
rasterising, measured by benchmarks/bench_breakdown.py), so in the worker threads it stalls the
event loop and the analyses, which need the GIL between their native calls. In processes it
runs beside them. A job is a module-level function and its arguments, both pickled to the
process (a profile's thumbnails are a few MB); the processes start from a forkserver that has
imported matplotlib and the charts once, so each starts warm and none inherits the threads of
the bot's process. With `processes=0` (the command line: one report, then exit) charts are
drawn in the given thread pool instead.
"""

from __future__ import annotations

import asyncio
import multiprocessing
from collections.abc import Callable, Sequence
from concurrent.futures import Executor, ProcessPoolExecutor
from typing import Any

from reports import charts

ChartJob = tuple[str, Callable[..., bytes], tuple[Any, ...]]
"""(name, module-level function, its arguments): what a worker process can receive."""


def profile_chart(analysis: Any, hide_sensitive: bool, index: int) -> bytes:
    """The index-th of `charts.profile_chart_jobs` (its jobs are closures: not picklable)."""
    return charts.profile_chart_jobs(analysis, hide_sensitive=hide_sensitive)[index][1]()


def profile_jobs(analysis: Any, hide_sensitive: bool) -> list[ChartJob]:
    names = [name for name, _ in charts.profile_chart_jobs(analysis, hide_sensitive=hide_sensitive)]
    return [(name, profile_chart, (analysis, hide_sensitive, i)) for i, name in enumerate(names)]


def _call(function: Callable[..., bytes], args: tuple[Any, ...]) -> bytes:
    return function(*args)


class ChartRenderer:
    """Renders chart jobs in `processes` worker processes, or in `threads` when 0."""

    def __init__(self, processes: int, threads: Executor) -> None:
        self._threads = threads
        self.processes = processes
        self._processes: ProcessPoolExecutor | None = None
        if processes > 0:
            context = multiprocessing.get_context("forkserver")
            context.set_forkserver_preload([__name__])
            self._processes = ProcessPoolExecutor(processes, mp_context=context)

    async def render(self, jobs: Sequence[ChartJob]) -> list[tuple[str, bytes]]:
        loop = asyncio.get_running_loop()
        executor = self._processes or self._threads
        pngs = await asyncio.gather(
            *(loop.run_in_executor(executor, _call, function, args) for _, function, args in jobs)
        )
        return [(name, png) for (name, _, _), png in zip(jobs, pngs, strict=True)]

    def close(self) -> None:
        if self._processes is not None:
            self._processes.shutdown(wait=True, cancel_futures=True)
