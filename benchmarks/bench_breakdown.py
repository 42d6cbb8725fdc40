"""Where a report's time goes: a selfie report and a 24-post profile report, end to end.

The real bot (aiogram runtime, real analyzers, default settings) answers through the playground
(its own process: real HTTP, real multipart), one report at a time, warm. Every stage is timed
by wrapping the function that does it, here in the benchmark only: decoding, each analyzer (and
inside the faces analyzer: detection, pose, emotions), thumbnails, each chart, the text, the
database, waiting for a worker, Telegram requests by method and the pacing before them.
Worker stages run on `workers` threads at once, so their sums can exceed the wall time. Charts
drawn in processes (service/render.py) are timed as one wall-clock stage per report.

Also counts the messages each answer puts into the chat (sendMessage, sendPhoto, one per
photo of sendMediaGroup) and the other requests into the chat (edits, deletions).

    uv run python -m benchmarks.bench_breakdown [--selfies 5] [--profiles 2]

(`--selfies` also sets how many albums of three photos are sent.)
"""

from __future__ import annotations

import argparse
import asyncio
import functools
import os
import statistics
import tempfile
import threading
import time
from collections import defaultdict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from aiogram.client.session.middlewares.base import BaseRequestMiddleware
from aiogram.methods import SendMediaGroup

import analyzers.faces
import analyzers.vision
import reports.album
import reports.album_text
import reports.profile_charts
import reports.profile_text
import reports.selfie
import service.analysis
import service.app
from analyzers.emotions import EmotionModel
from analyzers.pipeline import LoadedAnalyzers, load_analyzers
from benchmarks.bench_load import finished, start_playground
from bot.container import Container
from bot.native_stderr import capture_native_stderr
from bot.pacing import Pacer
from bot.runtime import BotRuntime, make_bot
from bot.settings import load_settings
from handlers import texts
from playground.client import PlaygroundClient
from playground.server import DEFAULT_TOKEN
from service.render import ChartRenderer
from storage.repositories.analyses import AnalysesRepository
from storage.repositories.profiles import ProfilesRepository
from tests.fixtures.instagram_fixture import (
    FixturePost,
    astronaut_jpeg,
    chelsea_jpeg,
    coffee_jpeg,
    sample_jpeg,
    write_profile,
)

MESSAGES = ("SendMessage", "SendPhoto", "SendMediaGroup", "SendDocument")


class Stages:
    """Seconds per stage name, from any thread."""

    def __init__(self) -> None:
        self.seconds: defaultdict[str, list[float]] = defaultdict(list)
        self.lock = threading.Lock()

    def add(self, name: str, seconds: float) -> None:
        with self.lock:
            self.seconds[name].append(seconds)

    def take(self) -> dict[str, list[float]]:
        """Everything so far, and start afresh."""
        with self.lock:
            taken, self.seconds = dict(self.seconds), defaultdict(list)
        return taken

    @contextmanager
    def timing(self, name: str) -> Iterator[None]:
        started = time.perf_counter()
        try:
            yield
        finally:
            self.add(name, time.perf_counter() - started)

    def wrap(self, name: str, function: Callable[..., Any]) -> Callable[..., Any]:
        if asyncio.iscoroutinefunction(function):

            @functools.wraps(function)
            async def timed_async(*args: Any, **kwargs: Any) -> Any:
                with self.timing(name):
                    return await function(*args, **kwargs)

            return timed_async

        @functools.wraps(function)
        def timed(*args: Any, **kwargs: Any) -> Any:
            with self.timing(name):
                return function(*args, **kwargs)

        return timed

    def patch(self, owner: Any, attribute: str, name: str) -> None:
        setattr(owner, attribute, self.wrap(name, getattr(owner, attribute)))


class TelegramTimer(BaseRequestMiddleware):
    """The innermost session middleware: each request's HTTP time, by method."""

    def __init__(self, stages: Stages) -> None:
        self.stages = stages
        self.sent: defaultdict[str, int] = defaultdict(int)

    async def __call__(self, make_request: Any, bot: Any, method: Any) -> Any:
        name = type(method).__name__
        if name == "GetUpdates":  # the long poll: waiting for people, not answering them
            return await make_request(bot, method)
        self.sent[name] += len(method.media) if isinstance(method, SendMediaGroup) else 1
        with self.stages.timing(f"telegram: {name}"):
            return await make_request(bot, method)


def instrument(stages: Stages, loaded: LoadedAnalyzers) -> None:
    """Wrap the functions of every stage (module attributes the app looks up at call time)."""
    stages.patch(service.analysis, "decode_image", "decode")
    stages.patch(service.analysis, "thumbnail", "thumbnails")
    stages.patch(analyzers.vision, "crop_for_backbone", "vision: resize + crop")
    stages.patch(analyzers.faces, "detect_faces", "faces: detection")
    stages.patch(analyzers.faces, "estimate_pose", "faces: pose")
    stages.patch(EmotionModel, "classify", "faces: emotions")
    for kind, group in (("image", loaded.image), ("profile", loaded.profile)):
        for analyzer in group:
            stages.patch(analyzer, "analyze", f"{kind} analyzer: {analyzer.name}")
    stages.patch(reports.selfie, "selfie_card", "chart: selfie card")
    stages.patch(reports.album, "album_chart", "chart: album")
    jobs = reports.profile_charts.profile_chart_jobs

    def timed_jobs(*args: Any, **kwargs: Any) -> Any:
        return [(n, stages.wrap(f"chart: {n}", job)) for n, job in jobs(*args, **kwargs)]

    reports.profile_charts.profile_chart_jobs = timed_jobs  # type: ignore[assignment]
    for module, summary in (
        (reports.selfie, "photo_summary"),
        (reports.profile_text, "profile_summary"),
        (reports.album_text, "album_summary"),
    ):
        stages.patch(module, summary, f"text: {summary}")
    stages.patch(ProfilesRepository, "save_analysis", "database: save analysis")
    stages.patch(AnalysesRepository, "add", "database: save analysis")
    stages.patch(Pacer, "wait_turn", "telegram: pacing wait")
    stages.patch(ChartRenderer, "render", "charts: all of a report's, wall time")


def time_pool(stages: Stages, executor: Any) -> None:
    """Record how long each job waits in the worker pool before a worker takes it."""
    submit = executor.submit

    def timed_submit(function: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        queued = time.perf_counter()

        def run() -> Any:
            stages.add("waiting for a worker", time.perf_counter() - queued)
            return function(*args, **kwargs)

        return submit(run)

    executor.submit = timed_submit


def profile_folder(root: Path) -> Path:
    """24 posts, 1080×1080 JPEGs like Instagram's, a few with faces, captions with habits."""
    photos = [astronaut_jpeg(), coffee_jpeg(), chelsea_jpeg()]
    start = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)
    posts = [
        FixturePost(
            taken_at=start + timedelta(days=i, minutes=i),
            caption=f"Day {i}: coffee in the morning, a long run after work #coffee #running",
            likes=100 + 7 * i,
            comments=i % 5,
            images=[photos[i // 8] if i % 8 == 0 else sample_jpeg(i, (1080, 1080))],
        )
        for i in range(24)
    ]
    return write_profile(root, "bench.profile", posts)


async def main(selfies: int, profiles: int) -> None:
    capture_native_stderr()
    stages = Stages()
    with tempfile.TemporaryDirectory() as tmp:
        folder = profile_folder(Path(tmp) / "profiles")
        settings = load_settings(
            env={},
            storage={"database": f"{tmp}/bench.sqlite"},
            instagram={"source": "directory", "directory": str(folder.parent)},
            analysis={"per_person_per_hour": 10_000},
        )
        loaded = load_analyzers()
        instrument(stages, loaded)
        playground, base_url = await start_playground()
        bot = make_bot(DEFAULT_TOKEN, base_url)
        telegram = TelegramTimer(stages)
        bot.session.middleware(telegram)
        runtime = BotRuntime(Container(settings, analyzers=loaded), bot)
        await runtime.start()
        await runtime.warmed_up()
        time_pool(stages, runtime.service.executor)
        client = PlaygroundClient(base_url)
        selfie = astronaut_jpeg()
        album = [coffee_jpeg(), chelsea_jpeg(), selfie]
        rows: list[tuple[str, float, dict[str, list[float]], list[float], dict[str, int]]] = []
        try:
            for label, count, send, working in (
                ("selfie", selfies, lambda c: client.send_photos(c, [selfie]), texts.WORKING_PHOTO),
                (
                    "album of 3",
                    selfies,
                    lambda c: client.send_photos(c, album),
                    texts.WORKING_ALBUM,
                ),
                ("profile", profiles, lambda c: client.send_text(c, "bench.profile"), ""),
            ):
                if count == 0:
                    continue
                working = working or texts.WORKING_PROFILE
                # The first of a kind is not counted: it loads what that kind loads first (the
                # chart processes, the personality model: service/render.py,
                # analyzers/personality_deferred.py); its latency is printed on its own.
                first = await answer(client, 1, send, working)
                stages.take()
                telegram.sent.clear()
                latencies = [await answer(client, 10 + i, send, working) for i in range(count)]
                rows.append((label, first, stages.take(), latencies, dict(telegram.sent)))
        finally:
            await client.close()
            await runtime.stop(grace=30)
            playground.terminate()
            await playground.wait()
    load = os.getloadavg()[0]
    for label, first, seconds, latencies, sent in rows:
        n = len(latencies)
        print(
            f"\n{label} report, {n} warm runs, workers {settings.analysis.worker_count}, "
            f"load average {load:.1f}: photo/text in -> last change, median "
            f"{statistics.median(latencies):.3f} s (the first after start: {first:.3f} s)"
        )
        for name, values in sorted(seconds.items(), key=lambda kv: -sum(kv[1])):
            print(f"  {name:<40} {1000 * sum(values) / n:9.1f} ms/report  ({len(values) / n:g}×)")
        messages = sum(v for k, v in sent.items() if k in MESSAGES) / n
        others = {k: v / n for k, v in sent.items() if k not in MESSAGES}
        print(f"  messages into the chat per report: {messages:g}; other requests: {others}")


async def answer(client: PlaygroundClient, chat: int, send: Any, working: str) -> float:
    started = time.perf_counter()
    sent = await send(chat)
    last = sent[-1] if isinstance(sent, list) else sent
    await client.wait_for(chat, finished(working), after=last["message_id"], timeout=600)
    return time.perf_counter() - started


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--selfies", type=int, default=5)
    parser.add_argument("--profiles", type=int, default=2)
    args = parser.parse_args()
    asyncio.run(main(args.selfies, args.profiles))
