"""The issue's targets, each printed beside its reference measured in the same run.

- reference: a fresh interpreter importing numpy, PIL, matplotlib.pyplot and aiogram (what any
  runtime of ours needs), median of `--repeat` runs;
- `digbot run` (a new process, playground mode, a fresh database) to its answer to /start:
  target at most 2× the reference;
- `digbot analyze <24-post instaloader folder> --json`, a new process: at most 3× the reference;
- memory of that bot after its first selfie report, sent once its warm-up is over (PSS of the
  bot process plus its chart processes; the playground runs inside the bot's process in this
  mode): at most 600 MB;
- the selfie reply (photo in -> the answer complete), warm, `--selfies` in a row: p50 ≤ 0.3 s;
- then two 24-post profile reports (no target): the first pays what only profiles load (the
  chart processes, the personality model), the second is warm.

The machine is shared: the load average is printed beside every figure.

    uv run python -m benchmarks.bench_targets [--repeat 3] [--selfies 10]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import IO

from benchmarks.bench_breakdown import profile_folder
from benchmarks.bench_load import finished
from benchmarks.memory import tree_pss_mb
from bot.settings import DEFAULT_CONFIG
from handlers import texts
from playground.client import PlaygroundClient
from tests.fixtures.instagram_fixture import astronaut_jpeg

REFERENCE = "import numpy, PIL.Image, matplotlib.pyplot, aiogram"
BIN = Path(sys.executable).parent


def load() -> str:
    return f"load {os.getloadavg()[0]:.1f}"


def timed_run(command: list[str], env: dict[str, str]) -> float:
    started = time.perf_counter()
    subprocess.run(command, env=env, check=True, capture_output=True)
    return time.perf_counter() - started


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def config(folder: Path, port: int, database: Path) -> Path:
    text = DEFAULT_CONFIG.read_text(encoding="utf-8")
    text = text.replace("port = 8080", f"port = {port}")
    text = text.replace('database = "var/digbot.sqlite"', f'database = "{database}"')
    text = text.replace('source = "instaloader"', 'source = "directory"')
    text = text.replace('directory = "var/profiles"', f'directory = "{folder.parent}"')
    path = database.with_suffix(".toml")
    path.write_text(text, encoding="utf-8")
    return path


async def wait_started(client: PlaygroundClient, bot: subprocess.Popen[bytes]) -> dict[str, str]:
    """Send /start as soon as the playground answers, and wait for the bot's reply."""
    while True:
        if bot.poll() is not None:
            raise RuntimeError("digbot run exited")
        try:
            sent = await client.send_text(1, "/start")
            break
        except OSError:  # aiohttp's ClientConnectorError: the playground is not up yet
            await asyncio.sleep(0.02)
    await client.wait_for(1, lambda m: len(m) >= 1, after=sent["message_id"], timeout=300)
    return sent


def warm_up_watch(log: IO[bytes]) -> threading.Event:
    """Set once the bot logs that its warm-up is over (the log is read to its end)."""
    warmed = threading.Event()

    def read() -> None:
        for line in log:
            if b"warmed up in" in line:
                warmed.set()

    threading.Thread(target=read, daemon=True).start()
    return warmed


async def bot_figures(
    bot: subprocess.Popen[bytes], started: float, port: int, selfies: int, username: str
) -> dict[str, str]:
    selfie = astronaut_jpeg()
    client = PlaygroundClient(f"http://127.0.0.1:{port}")
    figures: dict[str, str] = {}
    try:
        await wait_started(client, bot)
        figures["start"] = f"{time.perf_counter() - started:.1f} s ({load()})"
        assert bot.stderr is not None
        warmed = warm_up_watch(bot.stderr)
        if not await asyncio.to_thread(warmed.wait, 600):  # the figures below are of a warm bot
            raise RuntimeError("the bot did not log the end of its warm-up")
        latencies = []
        for chat in range(100, 101 + selfies):
            asked = time.perf_counter()
            sent = await client.send_photos(chat, [selfie])
            await client.wait_for(
                chat, finished(texts.WORKING_PHOTO), after=sent[-1]["message_id"], timeout=300
            )
            latencies.append(time.perf_counter() - asked)
            if chat == 100:
                main, children = tree_pss_mb(bot.pid)
                figures["memory"] = (
                    f"{main + children:.0f} MB (bot {main:.0f} + chart processes "
                    f"{children:.0f}; {load()})"
                )
        warm = latencies[1:]
        figures["selfie"] = (
            f"p50 {statistics.median(warm):.2f} s, first {latencies[0]:.2f} s ({load()})"
        )
        profiles = []
        for chat in (200, 201):  # the first loads what only profiles need; the second is warm
            asked = time.perf_counter()
            sent_text = await client.send_text(chat, username)
            working = finished(texts.WORKING_PROFILE)
            await client.wait_for(chat, working, after=sent_text["message_id"], timeout=600)
            profiles.append(time.perf_counter() - asked)
        figures["profile"] = f"first {profiles[0]:.1f} s, second {profiles[1]:.1f} s ({load()})"
    finally:
        await client.close()
    return figures


def main(repeat: int, selfies: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        folder = profile_folder(Path(tmp) / "profiles")
        port = free_port()
        env = {**os.environ, "DIGBOT_CONFIG": str(config(folder, port, Path(tmp) / "bot.sqlite"))}
        env.pop("BOT_TOKEN", None)
        env.pop("DIGBOT_DATABASE", None)
        reference = statistics.median(
            timed_run([sys.executable, "-c", REFERENCE], env) for _ in range(repeat)
        )
        ref_load = load()
        analyze = statistics.median(
            timed_run([str(BIN / "digbot"), "analyze", str(folder), "--json"], env)
            for _ in range(repeat)
        )
        analyze_load = load()
        started = time.perf_counter()
        bot = subprocess.Popen([str(BIN / "digbot"), "run"], env=env, stderr=subprocess.PIPE)
        try:
            figures = asyncio.run(bot_figures(bot, started, port, selfies, folder.name))
        finally:
            bot.terminate()
            bot.wait(timeout=60)
    start = float(figures["start"].split()[0])
    print(f"reference: fresh `{REFERENCE}`: {reference:.2f} s (median of {repeat}; {ref_load})")
    rows = [
        (
            "digbot run -> /start answered",
            f"≤ 2× ref = {2 * reference:.1f} s",
            figures["start"],
            start <= 2 * reference,
        ),
        (
            "digbot analyze, 24 posts, cold",
            f"≤ 3× ref = {3 * reference:.1f} s",
            f"{analyze:.1f} s (median of {repeat}; {analyze_load})",
            analyze <= 3 * reference,
        ),
        (
            "memory after the first selfie",
            "≤ 600 MB",
            figures["memory"],
            float(figures["memory"].split()[0]) <= 600,
        ),
        (
            "selfie reply, warm",
            "p50 ≤ 0.3 s",
            figures["selfie"],
            float(figures["selfie"].split()[1]) <= 0.3,
        ),
    ]
    for name, target, measured, met in rows:
        print(f"{name:<32} {target:<22} {measured:<52} {'met' if met else 'MISSED'}")
    print(f"{'then a 24-post profile report':<32} {'(no target)':<22} {figures['profile']}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--selfies", type=int, default=10)
    args = parser.parse_args()
    main(args.repeat, args.selfies)
