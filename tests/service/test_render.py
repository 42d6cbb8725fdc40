"""Charts drawn in worker processes are the charts drawn in threads, byte for byte."""

from __future__ import annotations

import asyncio
import signal
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from bot.settings import PROJECT_ROOT
from reports.album import album_chart
from reports.selfie import selfie_card
from service.render import ChartJob, ChartRenderer, profile_jobs
from tests.reports.conftest import album, profile, selfie


async def _render(processes: int, jobs: list[ChartJob]) -> list[tuple[str, bytes]]:
    with ThreadPoolExecutor(2) as threads:
        renderer = ChartRenderer(processes, threads)
        try:
            return await renderer.render(jobs)
        finally:
            await asyncio.to_thread(renderer.close)


@pytest.mark.slow
async def test_processes_draw_the_same_charts_as_threads() -> None:
    analysis = profile()
    jobs: list[ChartJob] = [
        ("selfie", selfie_card, (selfie(),)),
        ("album", album_chart, (album(),)),
        *profile_jobs(analysis, False),
    ]
    in_processes = await _render(2, jobs)
    in_threads = await _render(0, jobs)
    assert [name for name, _ in in_processes] == [
        "selfie",
        "album",
        "styles",
        "engagement",
        "habits",
        "personality",
    ]
    assert all(png.startswith(b"\x89PNG") for _, png in in_processes)
    assert in_processes == in_threads


def test_profile_jobs_leave_out_sensitive_charts_when_asked() -> None:
    names = [name for name, _, _ in profile_jobs(profile(), True)]
    assert "personality" not in names and names[0] == "styles"


KILLED = """
import asyncio, os, signal
from concurrent.futures import ThreadPoolExecutor
from bot.settings import PROJECT_ROOT
from reports.selfie import selfie_card
from service.render import ChartRenderer
from tests.reports.conftest import selfie

async def main():
    renderer = ChartRenderer(2, ThreadPoolExecutor(1))
    await renderer.render([("selfie", selfie_card, (selfie(),))] * 2)
    print(*(process.popen.pid for process in renderer._started), flush=True)
    os.kill(os.getpid(), signal.SIGKILL)

asyncio.run(main())
"""


@pytest.mark.slow
def test_a_killed_bot_leaves_no_chart_process_behind() -> None:
    done = subprocess.run(
        [sys.executable, "-c", KILLED],
        capture_output=True,
        text=True,
        cwd=PROJECT_ROOT,
        timeout=120,
    )
    assert done.returncode == -signal.SIGKILL, done.stderr[-2000:]
    pids = [int(pid) for pid in done.stdout.split()]
    assert len(pids) >= 1
    deadline = time.monotonic() + 30
    while any(Path(f"/proc/{pid}").exists() for pid in pids):
        assert time.monotonic() < deadline, f"chart processes {pids} outlived the bot"
        time.sleep(0.1)


@pytest.mark.slow
async def test_a_failing_chart_is_an_error_and_the_process_serves_on() -> None:
    with ThreadPoolExecutor(1) as threads:
        renderer = ChartRenderer(1, threads)
        try:
            with pytest.raises(RuntimeError, match="AttributeError"):
                await renderer.render([("broken", selfie_card, (None,))])
            [(name, png)] = await renderer.render([("selfie", selfie_card, (selfie(),))])
            assert name == "selfie" and png.startswith(b"\x89PNG")
            assert len(renderer._started) == 1, "the same process drew the next chart"
        finally:
            await asyncio.to_thread(renderer.close)
