"""Charts drawn in worker processes are the charts drawn in threads, byte for byte."""

from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor

import pytest

from reports import charts
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
        ("selfie", charts.selfie_card, (selfie(),)),
        ("album", charts.album_chart, (album(),)),
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
