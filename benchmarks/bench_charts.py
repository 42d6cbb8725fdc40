"""Each chart's drawing time, in this process, warm: the selfie card (of a 1080 px photo, as
Instagram's), the album, the heat map and a 24-post profile's four charts; median of `--repeat`
draws, wall and CPU time (CPU time moves less with the machine's load), with the image's size.
Then the selfie card encoded as a JPEG and as a PNG; the card drawn where the bot could draw
it: in a thread of this process (as the bot does), and in a chart process (service/render.py:
the analysis pickled there and the image back), wall time; and a profile's charts in two chart
processes, the first time (the processes start, as they do at a bot's first profile report)
and after. `--profile NAME` prints cProfile's top functions for one chart instead; `--save`
writes the images, `--compare` prints how each differs from one saved earlier (pixel by pixel).

    uv run python -m benchmarks.bench_charts [--repeat 5] [--profile selfie]
        [--save DIR] [--compare DIR]
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import io
import os
import pstats
import statistics
import tempfile
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import numpy as np
from PIL import Image

from analyzers.pipeline import Pipeline, load_analyzers
from analyzers.types import PhotoAnalysis, ProfileAnalysis
from benchmarks.bench_breakdown import profile_folder
from instagram.directory import DirectorySource, load_profile_folder
from reports.album import album_chart
from reports.canvas import JPEG_QUALITY, extension
from reports.heatmap import style_heatmap_chart
from reports.profile_charts import profile_chart, profile_chart_jobs
from reports.selfie import selfie_card
from reports.theme import PNG_COMPRESSION
from service.analysis import AnalysisService, thumbnail
from service.app import KEPT_SIDE
from service.cache import LocalProfileCache
from service.render import ChartJob, ChartRenderer, profile_jobs
from tests.fixtures.instagram_fixture import astronaut_jpeg, chelsea_jpeg, coffee_jpeg


def _instagram_size() -> bytes:
    """The astronaut (512 px) as a 1080 px JPEG, the size the bot gets from Instagram."""
    with Image.open(io.BytesIO(astronaut_jpeg())) as image:
        out = io.BytesIO()
        image.resize((1080, 1080), Image.Resampling.LANCZOS).save(out, "JPEG", quality=92)
    return out.getvalue()


def chart_jobs(
    pipeline: Pipeline,
) -> tuple[dict[str, Callable[[], bytes]], PhotoAnalysis, ProfileAnalysis]:
    """name -> a function drawing that chart from real analyses of the fixture photos; and
    the selfie's and the profile's analyses."""
    with tempfile.TemporaryDirectory() as tmp, ThreadPoolExecutor(2) as executor:
        folder = profile_folder(Path(tmp) / "profiles")
        service = AnalysisService(
            pipeline,
            executor,
            DirectorySource(folder.parent),
            max_posts=24,
            max_image_pixels=40_000_000,
            profiles=LocalProfileCache(0, time.monotonic),
        )

        async def analyse() -> tuple[Any, Any, Any, Any, Any]:
            selfie = await service.analyze_photo(_instagram_size())
            album, _ = await service.analyze_album(
                [astronaut_jpeg(), coffee_jpeg(), chelsea_jpeg()]
            )
            kept = thumbnail(selfie.image, KEPT_SIDE)  # "Why …?" draws the copy the bot keeps
            why = await service.explain_style(kept, "selfie")
            profile = await service.analyze_fetched(load_profile_folder(folder, 24))
            return selfie, album, kept, why, profile

        selfie, album, kept, why, profile = asyncio.run(analyse())
    jobs: dict[str, Callable[[], bytes]] = {
        "selfie": lambda: selfie_card(selfie),
        "album": lambda: album_chart(album),
        "heatmap": lambda: style_heatmap_chart(kept.pixels, "selfie", why),
    }
    names = [name for name, _ in profile_chart_jobs(profile, hide_sensitive=True)]
    for name in names:
        jobs[name] = lambda n=name: profile_chart(profile, True, n)  # type: ignore[misc]
    return jobs, selfie, profile


def card_formats(card: bytes, repeat: int) -> None:
    """The selfie card's pixels encoded as the JPEG it is (canvas.JPEG_QUALITY) and as a PNG
    at the charts' zlib level (theme.PNG_COMPRESSION): CPU time and size of each."""
    with Image.open(io.BytesIO(card)) as image:
        pixels = image.convert("RGB")
    for name, options in (
        (f"JPEG q{JPEG_QUALITY}", {"format": "JPEG", "quality": JPEG_QUALITY}),
        (f"PNG level {PNG_COMPRESSION}", {"format": "PNG", "compress_level": PNG_COMPRESSION}),
    ):
        cpu = []
        for _ in range(repeat):
            out, started = io.BytesIO(), time.process_time()
            pixels.save(out, **options)  # type: ignore[arg-type]
            cpu.append(time.process_time() - started)
        ms = 1000 * statistics.median(cpu)
        print(f"selfie card as {name}: {ms:.0f} ms CPU, {len(out.getvalue()) / 1024:.0f} KB")


def where_the_card_draws(selfie: Any, profile: Any, repeat: int) -> None:
    """The selfie card's wall time in a thread and in a chart process, as the bot would ask;
    a profile's charts in two new chart processes, the first time and after."""
    with ThreadPoolExecutor(2) as threads:
        renderer = ChartRenderer(2, threads)
        try:

            async def profile_charts() -> list[float]:
                times = []
                for _ in range(repeat + 1):
                    started = time.perf_counter()
                    await renderer.render(profile_jobs(profile, True))
                    times.append(time.perf_counter() - started)
                return times

            first, *after = asyncio.run(profile_charts())
        finally:
            renderer.close()
    print(
        f"profile charts in 2 chart processes: first {1000 * first:.0f} ms (they start), "
        f"after {1000 * statistics.median(after):.0f} ms wall"
    )
    job: ChartJob = ("selfie", "reports.selfie:selfie_card", (selfie,))
    with ThreadPoolExecutor(2) as threads:
        renderer = ChartRenderer(1, threads)
        try:
            for here, where in ((True, "a thread"), (False, "a chart process")):

                async def draw(here: bool = here) -> float:
                    await renderer.render([job], here=here)  # warm: fonts, the process
                    times = []
                    for _ in range(repeat):
                        started = time.perf_counter()
                        await renderer.render([job], here=here)
                        times.append(time.perf_counter() - started)
                    return statistics.median(times)

                print(f"selfie card in {where}: {1000 * asyncio.run(draw()):.0f} ms wall")
        finally:
            renderer.close()


def _difference(image: bytes, saved: Path) -> str:
    """How the image differs from one saved earlier under the same name (any suffix)."""
    found = sorted(saved.parent.glob(saved.name + ".*"))
    if not found:
        return "nothing saved to compare with"
    with Image.open(io.BytesIO(image)) as new, Image.open(found[0]) as old:
        a = np.asarray(new.convert("RGB"), dtype=np.int16)
        b = np.asarray(old.convert("RGB"), dtype=np.int16)
    if a.shape != b.shape:
        return f"sizes differ: {a.shape} vs {b.shape}"
    difference = np.abs(a - b)
    return (
        f"vs {found[0]}: mean difference {difference.mean():.3f}/255, "
        f"{(difference.max(axis=-1) > 16).mean():.4%} of pixels by more than 16"
    )


def main(repeat: int, profile: str | None, save: Path | None, compare: Path | None) -> None:
    pipeline = Pipeline(load_analyzers())
    jobs, selfie, profile_analysis = chart_jobs(pipeline)
    for job in jobs.values():
        job()  # fonts, caches
    if profile:
        profiler = cProfile.Profile()
        profiler.runcall(lambda: [jobs[profile]() for _ in range(repeat)])
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(40)
        return
    print(f"load {os.getloadavg()[0]:.1f}; median of {repeat} draws each, wall and CPU time")
    print(f"{'chart':<12} {'wall ms':>8} {'CPU ms':>8} {'KB':>6}")
    for name, job in jobs.items():
        wall, cpu = [], []
        for _ in range(repeat):
            started, started_cpu = time.perf_counter(), time.process_time()
            png = job()
            wall.append(time.perf_counter() - started)
            cpu.append(time.process_time() - started_cpu)
        if save is not None:
            save.mkdir(parents=True, exist_ok=True)
            (save / f"{name}.{extension(png)}").write_bytes(png)
        print(
            f"{name:<12} {1000 * statistics.median(wall):>8.0f} "
            f"{1000 * statistics.median(cpu):>8.0f} {len(png) / 1024:>6.0f}"
        )
        if compare is not None:
            print(f"{'':<12} {_difference(png, compare / name)}")
    card_formats(jobs["selfie"](), repeat)
    where_the_card_draws(selfie, profile_analysis, repeat)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--profile", help="print cProfile's top functions for this chart")
    parser.add_argument("--save", type=Path, help="write each chart into this folder (to compare)")
    parser.add_argument("--compare", type=Path, help="compare each chart with one saved there")
    args = parser.parse_args()
    main(args.repeat, args.profile, args.save, args.compare)
