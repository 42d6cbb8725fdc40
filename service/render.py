"""Charts drawn in worker processes, off the bot's process.

matplotlib holds the GIL for the whole drawing (the selfie card: ~0.6 s of layout and
rasterising, measured by benchmarks/bench_breakdown.py), so in the worker threads it stalls the
event loop and the analyses, which need the GIL between their native calls. In processes it
runs beside them, and a profile's four charts use both cores.

A job names its drawing function by import path ("reports.album:album_chart"): the process
imports the module, the bot's process never does, so it never imports matplotlib (~65 MB and
0.5 s of start-up it does not need: the selfie card, drawn with Pillow, is the one chart of a
photo report). The processes start with the first job that needs them, not with the bot.

Each process is `python -m service.render`, owned by one thread of a small pool: the thread
writes a pickled (import path, arguments) to the process's stdin and reads the pickled image
(or exception) from its stdout. Not multiprocessing: its children import the
parent's main module again (a script without a `__main__` guard starts itself again) and, killed
with SIGKILL, the bot would leave them waiting on queues they hold both ends of; here a
process's stdin closes with the bot and it exits. A process that dies is started again at the
next job. With `processes=0` (the command line: one report, then exit) charts are drawn in the
given thread pool instead.
"""

from __future__ import annotations

import asyncio
import ctypes
import ctypes.util
import gc
import importlib
import os
import pickle
import struct
import subprocess
import sys
import threading
from collections.abc import Callable, Sequence
from concurrent.futures import Executor, ThreadPoolExecutor
from typing import IO, Any

ChartJob = tuple[str, str, tuple[Any, ...]]
"""(name, the drawing function's import path "module:function", its arguments)."""

PROFILE_CHARTS = ("styles", "engagement", "habits", "personality")
"""Every chart a profile report can have, in the order they are sent."""

_HEADER = struct.Struct(">Q")


def drawing(path: str) -> Callable[..., bytes]:
    """The function at "module:function", its module imported if it was not yet."""
    module, _, name = path.partition(":")
    function: Callable[..., bytes] = getattr(importlib.import_module(module), name)
    return function


def profile_jobs(analysis: Any, hide_sensitive: bool) -> list[ChartJob]:
    """A job per chart a profile can have; those it does not have come back empty and are
    left out (which ones depends on the analysis, and deciding it here would import the
    charts' module and matplotlib with it)."""
    args = (analysis, hide_sensitive)
    return [
        (name, "reports.profile_charts:profile_chart", (*args, name)) for name in PROFILE_CHARTS
    ]


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

    def call(self, path: str, args: tuple[Any, ...]) -> bytes:
        assert self.popen.stdin is not None and self.popen.stdout is not None
        try:
            _write(self.popen.stdin, (path, args))
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
    """Renders chart jobs in `processes` worker processes (started by the first job that needs
    one), or in `threads` when 0 or when asked to draw `here`."""

    def __init__(self, processes: int, threads: Executor) -> None:
        self.processes = processes
        self._threads = threads
        self._executor = (
            ThreadPoolExecutor(processes, thread_name_prefix="digbot-charts")
            if processes > 0
            else threads
        )
        self._local = threading.local()
        self._started: list[_ChartProcess] = []
        self._lock = threading.Lock()

    def _in_process(self, path: str, args: tuple[Any, ...]) -> bytes:
        process: _ChartProcess | None = getattr(self._local, "process", None)
        if process is None or not process.alive:
            process = self._local.process = _ChartProcess()
            with self._lock:
                self._started.append(process)
        return process.call(path, args)

    async def render(
        self, jobs: Sequence[ChartJob], *, here: bool = False
    ) -> list[tuple[str, bytes]]:
        """Each job's image, in order; jobs that come back empty are left out. `here`: in the
        analysis threads, for a chart drawn faster than its data would be sent to a process
        (the selfie card: benchmarks/README.md, round three)."""
        loop = asyncio.get_running_loop()
        in_processes = self.processes > 0 and not here
        run = self._in_process if in_processes else _call
        executor = self._executor if in_processes else self._threads
        images = await asyncio.gather(
            *(loop.run_in_executor(executor, run, path, args) for _, path, args in jobs)
        )
        return [(name, image) for (name, _, _), image in zip(jobs, images, strict=True) if image]

    def close(self) -> None:
        if self.processes == 0:
            return
        self._executor.shutdown(wait=True, cancel_futures=True)
        with self._lock:
            started, self._started = self._started, []
        for process in started:
            process.close()


def _call(path: str, args: tuple[Any, ...]) -> bytes:
    return drawing(path)(*args)


def _malloc_trim() -> Callable[[], object]:
    """glibc's malloc_trim(0), or nothing where there is no glibc.

    A chart allocates tens of MB (the photo, the canvas, the PNG) in pieces glibc keeps for
    reuse instead of returning them: after 100 reports each chart process held ~200 MB where
    it started at ~65 MB (benchmarks/bench_load.py). Trimming after each chart gives it back,
    for ~1 ms."""
    try:
        trim = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6").malloc_trim
    except (OSError, AttributeError):
        return lambda: None
    return lambda: trim(0)


def _answer(requests: IO[bytes]) -> tuple[bool, Any]:
    """(True, image) or (False, error) for the next request; EOFError when the bot is gone."""
    try:
        path, args = _read(requests)
        return True, _call(path, args)
    except EOFError:
        raise
    except Exception as error:  # sent back as a plain error: it may not pickle
        return False, RuntimeError(f"{type(error).__name__}: {error}")


def serve(requests: IO[bytes], replies: IO[bytes]) -> None:
    """The worker process: draw each (path, args) read, write back (ok, image or error)."""
    trim = _malloc_trim()
    first = True
    while True:
        try:
            reply = _answer(requests)
        except EOFError:
            return
        _write(replies, reply)
        del reply  # the request went with _answer's frame: nothing of the chart is left
        if first:  # what the first chart loaded (fonts, caches) stays out of collections
            gc.collect()
            gc.freeze()
            first = False
        trim()


if __name__ == "__main__":
    replies = os.fdopen(os.dup(1), "wb")
    os.dup2(2, 1)  # a stray print in a library must not corrupt the replies
    serve(sys.stdin.buffer, replies)
