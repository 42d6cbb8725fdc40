"""Charts drawn in worker processes, off the bot's process.

matplotlib holds the GIL for the whole drawing (the selfie card: ~0.6 s of layout and
rasterising, measured by benchmarks/bench_breakdown.py), so in the worker threads it stalls the
event loop and the analyses, which need the GIL between their native calls. In processes it
runs beside them, and a profile's four charts use both cores.

Each process is `python -m service.render`, owned by one thread of a small pool: the thread
writes a pickled (module-level function, arguments) to the process's stdin and reads the
pickled PNG (or exception) from its stdout. Not multiprocessing: its children import the
parent's main module again (a script without a `__main__` guard starts itself again) and, killed
with SIGKILL, the bot would leave them waiting on queues they hold both ends of; here a
process's stdin closes with the bot and it exits. A process that dies is started again at the
next job. With `processes=0` (the command line: one report, then exit) charts are drawn in the
given thread pool instead.
"""

from __future__ import annotations

import asyncio
import os
import pickle
import struct
import subprocess
import sys
import threading
from collections.abc import Callable, Sequence
from concurrent.futures import Executor, ThreadPoolExecutor
from typing import IO, Any

from reports import profile_charts

ChartJob = tuple[str, Callable[..., bytes], tuple[Any, ...]]
"""(name, module-level function, its arguments): what a worker process can receive."""

_HEADER = struct.Struct(">Q")


def profile_chart(analysis: Any, hide_sensitive: bool, index: int) -> bytes:
    """The index-th of `profile_chart_jobs` (its jobs are closures: not picklable)."""
    jobs = profile_charts.profile_chart_jobs(analysis, hide_sensitive=hide_sensitive)
    return jobs[index][1]()


def profile_jobs(analysis: Any, hide_sensitive: bool) -> list[ChartJob]:
    jobs = profile_charts.profile_chart_jobs(analysis, hide_sensitive=hide_sensitive)
    names = [name for name, _ in jobs]
    return [(name, profile_chart, (analysis, hide_sensitive, i)) for i, name in enumerate(names)]


def _write(stream: IO[bytes], value: Any) -> None:
    payload = pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
    stream.write(_HEADER.pack(len(payload)) + payload)
    stream.flush()


def _read(stream: IO[bytes]) -> Any:
    """The next value, or EOFError when the other side is gone."""
    header = stream.read(_HEADER.size)
    if len(header) < _HEADER.size:
        raise EOFError("the other side closed the pipe")
    (size,) = _HEADER.unpack(header)
    payload = stream.read(size)
    if len(payload) < size:
        raise EOFError("the other side closed the pipe")
    return pickle.loads(payload)


class _ChartProcess:
    """One `python -m service.render`; one call at a time (its owning thread's)."""

    def __init__(self) -> None:
        self.popen = subprocess.Popen(
            [sys.executable, "-m", __name__], stdin=subprocess.PIPE, stdout=subprocess.PIPE
        )

    def call(self, function: Callable[..., bytes], args: tuple[Any, ...]) -> bytes:
        assert self.popen.stdin is not None and self.popen.stdout is not None
        try:
            _write(self.popen.stdin, (function, args))
            ok, value = _read(self.popen.stdout)
        except (EOFError, BrokenPipeError) as error:
            raise RuntimeError(f"the chart process exited ({self.popen.poll()})") from error
        if not ok:
            raise value
        return bytes(value)

    @property
    def alive(self) -> bool:
        return self.popen.poll() is None

    def close(self) -> None:
        if self.popen.stdin is not None:
            self.popen.stdin.close()  # the process exits at the end of its input
        try:
            self.popen.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.popen.kill()
            self.popen.wait()


class ChartRenderer:
    """Renders chart jobs in `processes` worker processes, or in `threads` when 0."""

    def __init__(self, processes: int, threads: Executor) -> None:
        self.processes = processes
        self._executor = (
            ThreadPoolExecutor(processes, thread_name_prefix="digbot-charts")
            if processes > 0
            else threads
        )
        self._local = threading.local()
        self._started: list[_ChartProcess] = []
        self._lock = threading.Lock()

    def _in_process(self, function: Callable[..., bytes], args: tuple[Any, ...]) -> bytes:
        process: _ChartProcess | None = getattr(self._local, "process", None)
        if process is None or not process.alive:
            process = self._local.process = _ChartProcess()
            with self._lock:
                self._started.append(process)
        return process.call(function, args)

    async def render(self, jobs: Sequence[ChartJob]) -> list[tuple[str, bytes]]:
        loop = asyncio.get_running_loop()
        run = self._in_process if self.processes > 0 else _call
        pngs = await asyncio.gather(
            *(
                loop.run_in_executor(self._executor, run, function, args)
                for _, function, args in jobs
            )
        )
        return [(name, png) for (name, _, _), png in zip(jobs, pngs, strict=True)]

    def close(self) -> None:
        if self.processes == 0:
            return
        self._executor.shutdown(wait=True, cancel_futures=True)
        with self._lock:
            started, self._started = self._started, []
        for process in started:
            process.close()


def _call(function: Callable[..., bytes], args: tuple[Any, ...]) -> bytes:
    return function(*args)


def serve(requests: IO[bytes], replies: IO[bytes]) -> None:
    """The worker process: draw each (function, args) read, write back (ok, PNG or error)."""
    while True:
        try:
            function, args = _read(requests)
            reply: tuple[bool, Any] = (True, function(*args))
        except EOFError:
            return
        except Exception as error:  # sent back as a plain error: it may not pickle
            reply = (False, RuntimeError(f"{type(error).__name__}: {error}"))
        _write(replies, reply)


if __name__ == "__main__":
    replies = os.fdopen(os.dup(1), "wb")
    os.dup2(2, 1)  # a stray print in a library must not corrupt the replies
    serve(sys.stdin.buffer, replies)
