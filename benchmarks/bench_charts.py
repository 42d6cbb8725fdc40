"""Each chart's drawing time, in this process, warm: the selfie card, the album, the heat map and
a 24-post profile's four charts; median of `--repeat` draws, with the PNG's size. `--profile NAME`
prints cProfile's top functions for one chart instead.

    uv run python -m benchmarks.bench_charts [--repeat 5] [--profile selfie]
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import os
import pstats
import statistics
import tempfile
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from analyzers.explain import explain_style
from analyzers.images import decode_image
from analyzers.pipeline import Pipeline, load_analyzers
from benchmarks.bench_breakdown import profile_folder
from instagram.directory import DirectorySource, load_profile_folder
from reports import charts
from service.album import rank_album
from service.analysis import AnalysisService
from service.render import profile_chart
from tests.fixtures.instagram_fixture import astronaut_jpeg, chelsea_jpeg, coffee_jpeg


def chart_jobs(pipeline: Pipeline) -> dict[str, Callable[[], bytes]]:
    """name -> a function drawing that chart from real analyses of the fixture photos."""
    photos = [
        pipeline.photo_analysis(pipeline.analyze_image(decode_image(data)))
        for data in (astronaut_jpeg(), chelsea_jpeg(), coffee_jpeg())
    ]
    selfie = photos[0]
    album = rank_album(
        pipeline,
        [
            pipeline.analyze_image(decode_image(d))
            for d in (astronaut_jpeg(), coffee_jpeg(), chelsea_jpeg())
        ],
    )
    why = explain_style(selfie.image, "selfie")
    profile = _profile(pipeline)
    jobs: dict[str, Callable[[], bytes]] = {
        "selfie": lambda: charts.selfie_card(selfie),
        "album": lambda: charts.album_chart(album),
        "heatmap": lambda: charts.style_heatmap_chart(selfie.image.pixels, "selfie", why),
    }
    names = [name for name, _ in charts.profile_chart_jobs(profile, hide_sensitive=True)]
    for index, name in enumerate(names):
        jobs[name] = lambda i=index: profile_chart(profile, True, i)  # type: ignore[misc]
    return jobs


def _profile(pipeline: Pipeline) -> object:
    """bench_breakdown's 24-post profile, analysed."""
    with tempfile.TemporaryDirectory() as tmp, ThreadPoolExecutor(2) as executor:
        folder = profile_folder(Path(tmp) / "profiles")
        service = AnalysisService(
            pipeline,
            executor,
            DirectorySource(folder.parent),
            max_posts=24,
            max_image_pixels=40_000_000,
            cache_ttl_seconds=0,
            clock=time.monotonic,
        )
        return asyncio.run(service.analyze_fetched(load_profile_folder(folder, 24)))


def main(repeat: int, profile: str | None) -> None:
    pipeline = Pipeline(load_analyzers())
    jobs = chart_jobs(pipeline)
    for job in jobs.values():
        job()  # fonts, caches
    if profile:
        profiler = cProfile.Profile()
        profiler.runcall(lambda: [jobs[profile]() for _ in range(repeat)])
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(40)
        return
    print(f"{'chart':<12} {'median ms':>10} {'KB':>6}   (load {os.getloadavg()[0]:.1f})")
    for name, job in jobs.items():
        times = []
        for _ in range(repeat):
            started = time.perf_counter()
            png = job()
            times.append(time.perf_counter() - started)
        print(f"{name:<12} {1000 * statistics.median(times):>10.0f} {len(png) / 1024:>6.0f}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--profile", help="print cProfile's top functions for this chart")
    args = parser.parse_args()
    main(args.repeat, args.profile)
