"""Warm end-to-end latency through the playground: a photo, and a 24-post profile.

Prints, for the warm pipeline on this machine: time from a message arriving at the playground to
the bot's last reply (median and p95 over N runs) for one photo, and the same for a 24-post
profile read from a DirectorySource fixture.

    uv run python -m benchmarks.bench_pipeline [--runs 50] [--profile-runs 10]
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from analyzers.pipeline import load_analyzers
from benchmarks.bench_load import finished
from bot.container import Container
from bot.runtime import BotRuntime, make_bot
from bot.settings import load_settings
from handlers import texts
from playground import Playground
from playground.client import PlaygroundClient
from tests.fixtures.instagram_fixture import (
    FixturePost,
    astronaut_jpeg,
    chelsea_jpeg,
    coffee_jpeg,
    sample_jpeg,
    write_profile,
)

PHOTO_DONE = finished(texts.WORKING_PHOTO)
PROFILE_DONE = finished(texts.WORKING_PROFILE)


def _p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def _write_profile(root: Path) -> None:
    images = [coffee_jpeg(), chelsea_jpeg(), astronaut_jpeg()] + [sample_jpeg(i) for i in range(5)]
    start = datetime(2026, 6, 1, 9, tzinfo=UTC)
    posts = [
        FixturePost(
            taken_at=start + timedelta(days=2 * i, hours=i % 7),
            caption=f"Day {i}: coffee, friends and a long walk #coffee #travel #day{i}",
            likes=200 + 17 * i,
            comments=3 + i % 5,
            images=[images[i % len(images)]],
        )
        for i in range(24)
    ]
    write_profile(root, "bench.profile", posts, followers=5000)


async def _timed(client: PlaygroundClient, chat: int, send: Any, done: Any) -> float:
    started = time.perf_counter()
    sent = await send()
    last = sent[-1] if isinstance(sent, list) else sent
    await client.wait_for(chat, done, after=last["message_id"], timeout=300)
    return time.perf_counter() - started


async def main(runs: int, profile_runs: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "profiles"
        root.mkdir()
        _write_profile(root)
        settings = load_settings(
            env={},
            storage={"database": f"{tmp}/bench.sqlite"},
            instagram={"source": "directory", "directory": str(root), "cache_ttl_minutes": 0},
            analysis={"per_person_per_hour": 10_000},
        )
        playground = Playground(port=0)
        await playground.start()
        service = Container(settings, analyzers=load_analyzers())
        runtime = BotRuntime(service, make_bot(playground.token, playground.base_url))
        await runtime.start()
        await runtime.warmed_up()
        client = PlaygroundClient(playground.base_url)
        try:
            photo = astronaut_jpeg()
            await _timed(client, 1, lambda: client.send_photos(1, [photo]), PHOTO_DONE)  # warm-up
            # A chat per run: one person's request, not the same chat's queue behind Telegram's
            # per-chat pacing (about one message a second, which would dominate the figure).
            photo_times = [
                await _timed(
                    client, chat, lambda c=chat: client.send_photos(c, [photo]), PHOTO_DONE
                )
                for chat in range(100, 100 + runs)
            ]
            profile_times = [
                await _timed(
                    client, chat, lambda c=chat: client.send_text(c, "bench.profile"), PROFILE_DONE
                )
                for chat in range(1000, 1000 + profile_runs)
            ]
        finally:
            await client.close()
            await runtime.stop(grace=5)
            await playground.stop()
    print(f"{'what':<34}{'runs':>6}{'median s':>10}{'p95 s':>8}")
    for name, values in (
        ("photo → selfie report", photo_times),
        ("24-post profile → full report", profile_times),
    ):
        median = statistics.median(values)
        print(f"{name:<34}{len(values):>6}{median:>10.2f}{_p95(values):>8.2f}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=50)
    parser.add_argument("--profile-runs", type=int, default=10)
    args = parser.parse_args()
    asyncio.run(main(args.runs, args.profile_runs))
