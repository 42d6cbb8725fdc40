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
from reports.profile_charts import profile_chart_jobs
from service.render import PROFILE_CHARTS, ChartJob, ChartRenderer, profile_jobs
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
        ("selfie", "reports.selfie:selfie_card", (selfie(),)),
        ("album", "reports.album:album_chart", (album(),)),
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
    assert in_processes[0][1].startswith(b"\xff\xd8"), "the selfie card is a JPEG"
    assert all(png.startswith(b"\x89PNG") for _, png in in_processes[1:])
    assert in_processes == in_threads


def test_a_profile_report_asks_for_every_chart_a_profile_can_have() -> None:
    names = [name for name, _ in profile_chart_jobs(profile(), hide_sensitive=False)]
    assert names == list(PROFILE_CHARTS)


async def test_profile_charts_leave_out_sensitive_charts_when_asked() -> None:
    names = [name for name, _ in await _render(0, profile_jobs(profile(), True))]
    assert names == ["styles", "engagement", "habits"]


KILLED = """
import asyncio, os, signal
from concurrent.futures import ThreadPoolExecutor
from bot.settings import PROJECT_ROOT
from service.render import ChartRenderer
from tests.reports.conftest import selfie

async def main():
    renderer = ChartRenderer(2, ThreadPoolExecutor(1))
    await renderer.render([("selfie", "reports.selfie:selfie_card", (selfie(),))] * 2)
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
                await renderer.render([("broken", "reports.selfie:selfie_card", (None,))])
            [(name, png)] = await renderer.render(
                [("album", "reports.album:album_chart", (album(),))]
            )
            assert name == "album" and png.startswith(b"\x89PNG")
            assert len(renderer._started) == 1, "the same process drew the next chart"
        finally:
            await asyncio.to_thread(renderer.close)
