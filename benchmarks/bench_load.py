"""Load: many people send photos at once; how fast, how late, how big, and does the loop stall?

50 simulated people (by default) each send `--photos` photos one after another, every person
waiting for the answer before the next photo, all people at once, through the playground (real
HTTP, the real aiogram runtime, the real analyzers, default settings except those named below).

What runs where (three processes, so that what is measured is the bot's alone):

- **this process is the bot**: the aiogram runtime, the analyses' worker threads, and the
  probes below; its chart processes are its children, as in `digbot run`;
- **the playground** (`python -m playground`): the Telegram Bot API server; it decodes every
  photo it stores, as Telegram's servers would;
- **the people** (`python -m benchmarks.load_people`): the simulated people, who send and
  long-poll over HTTP, each waiting for an answer before the next photo.

Prints:

- answers per second (complete photo reports, and "busy" refusals counted apart) and the bot's
  messages per second over the whole flood;
- latency from sending a photo to the last message of its answer: median and p95;
- memory: the bot process's peak RSS, and after the flood the PSS of the bot and of its chart
  processes (not the playground's, not the people's);
- the bot's event loop's worst stall: a probe task asks to wake every 10 ms and records how late
  it wakes. Model work runs in the worker pool, so a stall here means something held the loop
  (or the GIL, or the CPU: the machine's other load counts too). A baseline is measured with
  the bot idle.

    uv run python -m benchmarks.bench_load [--people 50] [--photos 2] [--queue-size N] [--debug]

Where the loop stalls: a sampler takes the loop thread's stack whenever the loop is 50 ms late
and prints the commonest (the code the loop was in). With --debug, asyncio's debug mode also
names every callback of the bot's process that ran longer than 50 ms (it slows the loop
itself). Both tell a loop blocked by our code apart from a loop starved of the GIL or CPU.
Without --queue-size, the bot runs with config.toml's `queue_size`.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import json
import logging
import os
import re
import resource
import socket
import statistics
import sys
import tempfile
import threading
import time
import traceback
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import aiohttp
from aiogram import Bot
from aiogram.client.session.middlewares.base import BaseRequestMiddleware, NextRequestMiddlewareType
from aiogram.methods import GetUpdates, Response, TelegramMethod

from analyzers.pipeline import load_analyzers
from benchmarks.load_people import finished as finished  # bench_targets, bench_pipeline, …
from benchmarks.memory import tree_pss_mb
from bot.container import Container
from bot.native_stderr import capture_native_stderr
from bot.runtime import BotRuntime, make_bot
from bot.settings import load_settings
from playground.server import DEFAULT_TOKEN

PROBE_SECONDS = 0.01
ROOT = str(Path(__file__).resolve().parents[1])
WAITING_FOR_WORK = (
    "threading.wait:",  # an idle thread
    "thread._worker:",  # an executor's thread waiting for a job
    "unix_events._do_waitpid:",  # asyncio's child watcher (the people's process)
    "core._connection_worker_thread:",  # aiosqlite's thread waiting for a query
    "native_stderr._forward:",  # the native-stderr reader waiting for a line
)
"""Innermost frames of threads blocked waiting for something to do (the GIL released)."""
SLOW_MS = 50


@dataclass
class LoopProbe:
    """How late the event loop wakes a task that asks to sleep PROBE_SECONDS, again and again."""

    stalls: list[float] = field(default_factory=list)
    _task: asyncio.Task[None] | None = None

    async def _run(self) -> None:
        loop = asyncio.get_running_loop()
        while True:
            asked = loop.time()
            await asyncio.sleep(PROBE_SECONDS)
            self.stalls.append(loop.time() - asked - PROBE_SECONDS)

    def start(self) -> None:
        self.stalls.clear()
        self._task = asyncio.create_task(self._run())

    async def stop(self) -> None:
        assert self._task is not None
        self._task.cancel()
        await asyncio.gather(self._task, return_exceptions=True)

    def summary(self) -> str:
        ordered = sorted(self.stalls)
        p99 = ordered[min(len(ordered) - 1, round(0.99 * (len(ordered) - 1)))]
        return f"worst {1000 * ordered[-1]:.0f} ms, p99 {1000 * p99:.0f} ms ({len(ordered)} wakes)"


class StallSampler:
    """Where the loop's thread is while the loop is late: a thread looks every 5 ms and, when
    the loop has not beaten for SLOW_MS, takes the loop thread's stack. Each stack's share of
    the samples is its share of the stalled time: the code that held the loop (or that was
    running when the process lost the GIL or its core). The loop found waiting in `select`
    while late was starved: the other threads' stacks, taken at the same moments, say what
    they were running (a call that keeps the GIL shows there)."""

    def __init__(self) -> None:
        self.stacks: Counter[tuple[str, ...]] = Counter()
        self.others: Counter[tuple[str, ...]] = Counter()
        self._beat = time.monotonic()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._task: asyncio.Task[None] | None = None

    async def _heartbeat(self) -> None:
        while True:
            self._beat = time.monotonic()
            await asyncio.sleep(PROBE_SECONDS / 2)

    def _sample(self, loop_thread: int) -> None:
        while not self._stop.wait(0.005):
            if time.monotonic() - self._beat < SLOW_MS / 1000:
                continue
            frames = sys._current_frames()
            frame = frames.pop(loop_thread, None)
            if frame is not None:
                self.stacks[_where(traceback.extract_stack(frame))] += 1
            frames.pop(threading.get_ident(), None)
            for other in frames.values():
                where = _where(traceback.extract_stack(other))
                if not where[0].startswith(WAITING_FOR_WORK):
                    self.others[where] += 1

    def start(self) -> None:
        self._task = asyncio.create_task(self._heartbeat())
        loop_thread = threading.get_ident()
        self._thread = threading.Thread(target=self._sample, args=(loop_thread,), daemon=True)
        self._thread.start()

    async def stop(self) -> None:
        assert self._task is not None and self._thread is not None
        self._stop.set()
        self._thread.join()
        self._task.cancel()
        await asyncio.gather(self._task, return_exceptions=True)

    def summary(self) -> str:
        total = sum(self.stacks.values())
        most = "".join(
            f"\n            {100 * n / total:4.1f} % {' ← '.join(stack)}"
            for stack, n in self.stacks.most_common(12)
        )
        busy = "".join(
            f"\n            {n:4d} × {' ← '.join(stack)}" for stack, n in self.others.most_common(8)
        )
        return (
            f"{total} samples of the loop's thread while it was {SLOW_MS} ms late{most}"
            f"\n          other threads at those moments, not idle:{busy}"
        )


def _where(stack: traceback.StackSummary) -> tuple[str, ...]:
    """The innermost two frames, and the innermost frame of this project's code."""

    def name(frame: traceback.FrameSummary) -> str:
        path = frame.filename
        short = path.split("site-packages/")[-1] if "site-packages" in path else path
        return f"{Path(short).stem}.{frame.name}:{frame.lineno}"

    ours = [f for f in stack if ROOT in f.filename and "site-packages" not in f.filename]
    inner = [name(f) for f in stack[-2:][::-1]]
    if ours and ours[-1] not in stack[-2:]:
        inner.append(name(ours[-1]))
    return tuple(inner)


class SlowCallbacks(logging.Handler):
    """Collects asyncio's debug-mode "Executing … took N seconds" warnings of this process."""

    def __init__(self) -> None:
        super().__init__()
        self.seconds: list[float] = []
        self.by_callback: Counter[str] = Counter()

    def emit(self, record: logging.LogRecord) -> None:
        args = record.args
        if str(record.msg).startswith("Executing") and isinstance(args, tuple) and args:
            took = args[-1]
            if isinstance(took, float):
                self.seconds.append(took)
                # "<Task … coro=<name() running at file:line> …>": the coroutine is the name
                where = re.search(r"coro=<([^ ]+ running at [^ >]+)", str(args[0]))
                self.by_callback[where.group(1) if where else str(args[0])[:100]] += 1

    def summary(self) -> str:
        worst = f", worst {1000 * max(self.seconds):.0f} ms" if self.seconds else ""
        most = "".join(f"\n            {n} × {name}" for name, n in self.by_callback.most_common(8))
        return f"{len(self.seconds)} callbacks held the loop over {SLOW_MS} ms{worst}{most}"


class TelegramCalls(BaseRequestMiddleware):
    """Counts the bot's Bot API requests by method (a session middleware; getUpdates aside)."""

    def __init__(self) -> None:
        self.by_method: Counter[str] = Counter()

    async def __call__(
        self, make_request: NextRequestMiddlewareType[Any], bot: Bot, method: TelegramMethod[Any]
    ) -> Response[Any]:
        if not isinstance(method, GetUpdates):
            self.by_method[type(method).__name__] += 1
        return await make_request(bot, method)

    def summary(self, answers: int) -> str:
        total = sum(self.by_method.values())
        each = ", ".join(f"{name} {n / answers:.2f}" for name, n in self.by_method.most_common())
        return f"{total / answers:.2f} Bot API requests per answer ({each})"


class Errors(logging.Handler):
    """Error records of the bot's process (a failed update is logged with its traceback)."""

    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)

    def summary(self) -> str:
        locked = sum(
            "database is locked" in str(r.exc_info and r.exc_info[1]) for r in self.records
        )
        kinds = Counter(f"{r.name}: {r.getMessage()[:80]}" for r in self.records)
        listed = "".join(f"\n            {n} × {kind}" for kind, n in kinds.most_common(5))
        return f"{len(self.records)} logged, of which {locked} 'database is locked'{listed}"


class GcPauses:
    """How long each garbage collection ran: it holds the GIL, so it stalls the loop too."""

    def __init__(self) -> None:
        self.seconds: list[float] = []
        self._began = 0.0

    def __call__(self, phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            self._began = time.perf_counter()
        elif info["generation"] == 2:
            self.seconds.append(time.perf_counter() - self._began)

    def summary(self) -> str:
        worst = f", worst {1000 * max(self.seconds):.0f} ms" if self.seconds else ""
        return f"{len(self.seconds)} full collections{worst}"


def _p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


async def start_playground() -> tuple[asyncio.subprocess.Process, str]:
    """`python -m playground` on a free port, once it answers /health."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "playground", "--port", str(port), stdout=asyncio.subprocess.DEVNULL
    )
    base_url = f"http://127.0.0.1:{port}"
    async with aiohttp.ClientSession() as session:
        for _ in range(200):
            try:
                async with session.get(base_url + "/health") as response:
                    if response.status == 200:
                        return process, base_url
            except aiohttp.ClientError:
                await asyncio.sleep(0.1)
    process.terminate()
    raise RuntimeError("the playground did not start")


def _max_rss_mb() -> float:
    """Peak RSS of this process: the bot (not the playground, not the simulated people)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


@dataclass
class Flood:
    """What the people's process reported (benchmarks.load_people)."""

    elapsed: float
    latencies: list[float]
    refusals: list[float]
    messages: int


async def spawn_people(
    base_url: str, people: int, photos_each: int, first_chat: int
) -> asyncio.subprocess.Process:
    """Start the simulated people's process; returns once it is ready to send (its start-up
    and the photos' encoding stay out of what is measured)."""
    process = await asyncio.create_subprocess_exec(
        *(sys.executable, "-m", "benchmarks.load_people", base_url),
        *("--people", str(people), "--photos", str(photos_each), "--first-chat", str(first_chat)),
        stdin=asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.PIPE,
    )
    assert process.stdout is not None
    if await process.stdout.readline() != b"ready\n":
        raise RuntimeError("the simulated people did not start")
    return process


async def flood_of(process: asyncio.subprocess.Process) -> Flood:
    """Let the people go, and wait until each has had every answer."""
    out, _ = await process.communicate(b"go\n")
    if process.returncode:
        raise RuntimeError(f"the simulated people failed (exit {process.returncode})")
    report = json.loads(out)
    outcomes = report["outcomes"]
    return Flood(
        report["elapsed"],
        [o["latency"] for o in outcomes if not o["refused"]],
        [o["latency"] for o in outcomes if o["refused"]],
        report["messages"],
    )


async def main(people: int, photos_each: int, queue_size: int | None, debug: bool) -> None:
    capture_native_stderr()
    with tempfile.TemporaryDirectory() as tmp:
        analysis: dict[str, Any] = {"per_person_per_hour": 10_000}
        if queue_size is not None:
            analysis["queue_size"] = queue_size
        settings = load_settings(
            env={},
            storage={"database": f"{tmp}/bench.sqlite"},
            instagram={"source": "directory", "directory": tmp},
            analysis=analysis,
        )
        analyzers = load_analyzers()
        playground, base_url = await start_playground()
        runtime = BotRuntime(
            Container(settings, analyzers=analyzers), make_bot(DEFAULT_TOKEN, base_url)
        )
        await runtime.start()
        await runtime.warmed_up()
        calls = TelegramCalls()
        runtime.bot.session.middleware(calls)
        probe = LoopProbe()
        slow = SlowCallbacks()
        sampler = StallSampler()
        try:
            await flood_of(await spawn_people(base_url, 1, 1, first_chat=1))  # warm the pipeline
            probe.start()
            await asyncio.sleep(2)
            await probe.stop()
            idle = probe.summary()
            memory_before = _max_rss_mb()

            if debug:
                loop = asyncio.get_running_loop()
                loop.set_debug(True)
                loop.slow_callback_duration = SLOW_MS / 1000
                logging.getLogger("asyncio").addHandler(slow)
            errors = Errors()
            logging.getLogger().addHandler(errors)
            pauses = GcPauses()
            gc.callbacks.append(pauses)
            people_ready = await spawn_people(base_url, people, photos_each, first_chat=100)
            calls.by_method.clear()
            probe.start()
            sampler.start()
            flood = await flood_of(people_ready)
            await probe.stop()
            await sampler.stop()
            gc.callbacks.remove(pauses)
            logging.getLogger().removeHandler(errors)
            asyncio.get_running_loop().set_debug(False)
            bot_pss, children = tree_pss_mb(exclude=(playground.pid,))
        finally:
            await runtime.stop(grace=30)
            playground.terminate()
            await playground.wait()
    done, refused, elapsed = flood.latencies, flood.refusals, flood.elapsed
    metrics = runtime.metrics.snapshot()
    print(
        f"people {people} × {photos_each} photos, queue_size {settings.analysis.queue_size}, "
        f"workers {settings.analysis.worker_count}, {elapsed:.1f} s wall"
    )
    print(f"reports     {len(done)} ({len(done) / elapsed:.2f}/s); refused busy {len(refused)}")
    print(
        f"messages    {flood.messages} bot messages ({flood.messages / elapsed:.1f}/s, "
        f"{flood.messages / max(1, len(done) + len(refused)):.2f} per answer); "
        f"paced sends {metrics['paced']:g}, retries {metrics['retries']:g}"
    )
    print(f"requests    {calls.summary(max(1, len(done) + len(refused)))}")
    if done:
        print(
            f"latency     report median {statistics.median(done):.2f} s, "
            f"p95 {_p95(done):.2f} s, max {max(done):.2f} s"
        )
    if refused:
        print(f"latency     refusal median {statistics.median(refused):.2f} s")
    print(
        f"memory      bot's peak RSS {_max_rss_mb():.0f} MB (warm {memory_before:.0f} MB); "
        f"after the flood PSS {bot_pss:.0f} MB + chart processes {children:.0f} MB"
    )
    print(f"loop stall  during the flood: {probe.summary()}; idle: {idle}")
    print(f"gc          {pauses.summary()} during the flood")
    print(f"errors      {errors.summary()}")
    if debug:
        print(f"slow        {slow.summary()} (asyncio debug mode, bot process)")
    print(f"stalled     {sampler.summary()}")
    print(f"machine     load average {os.getloadavg()[0]:.2f} at the end")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=50)
    parser.add_argument("--photos", type=int, default=2, help="photos per person")
    parser.add_argument(
        "--queue-size", type=int, help="analyses in flight at most (default: config.toml's)"
    )
    parser.add_argument(
        "--debug",
        action="store_true",
        help=f"asyncio debug mode in the flood: count callbacks holding the loop > {SLOW_MS} ms",
    )
    args = parser.parse_args()
    asyncio.run(main(args.people, args.photos, args.queue_size, args.debug))
