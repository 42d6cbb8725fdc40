"""Which work holds the GIL long enough to stall the event loop?

Each stage of a photo report runs again and again in one worker thread while the event loop
wakes a probe every 10 ms; the probe's worst and p99 lateness is what that stage costs the loop
(a stage that releases the GIL in its native code costs ~nothing; one that holds it costs up
to its own length). The idle loop is measured first. Stages: decoding, each image analyzer,
the photo's pickling for a chart process, the whole analysis.

    uv run python -m benchmarks.bench_gil [--seconds 3]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import pickle
import threading
from collections.abc import Callable

from analyzers.images import decode_image
from analyzers.pipeline import Pipeline, load_analyzers
from analyzers.types import PhotoContext
from benchmarks.bench_load import LoopProbe
from tests.fixtures.instagram_fixture import sample_jpeg


def stages(pipeline: Pipeline) -> dict[str, Callable[[], object]]:
    data = sample_jpeg(3, (1080, 1080))
    image = decode_image(data)
    context = pipeline.analyze_image(image)
    found: dict[str, Callable[[], object]] = {"decode 1080 px JPEG": lambda: decode_image(data)}
    for analyzer in pipeline.analyzers.image:

        def run(analyzer: object = analyzer) -> object:
            fresh = PhotoContext(image=image, text=None)
            fresh.results.update(context.results)
            return analyzer.analyze(fresh)  # type: ignore[attr-defined]

        found[analyzer.name] = run
    photo = pipeline.photo_analysis(context)
    found["pickle the photo for a chart process"] = lambda: pickle.dumps(photo, protocol=5)
    found["whole analysis"] = lambda: pipeline.photo_analysis(pipeline.analyze_image(image))
    return found


async def stalls_while(work: Callable[[], object] | None, seconds: float) -> str:
    """The probe's summary while `work` runs in a loop in another thread (None: idle)."""
    stop = threading.Event()

    def spin() -> None:
        while not stop.is_set():
            work()  # type: ignore[misc]

    probe = LoopProbe()
    thread = threading.Thread(target=spin) if work else None
    if thread:
        thread.start()
    probe.start()
    await asyncio.sleep(seconds)
    await probe.stop()
    stop.set()
    if thread:
        thread.join()
    return probe.summary()


async def main(seconds: float) -> None:
    pipeline = Pipeline(load_analyzers())
    print(f"load {os.getloadavg()[0]:.1f}; the loop's lateness while a thread runs each stage")
    print(f"{'idle':<40} {await stalls_while(None, seconds)}")
    for name, work in stages(pipeline).items():
        print(f"{name:<40} {await stalls_while(work, seconds)}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=3.0)
    asyncio.run(main(parser.parse_args().seconds))
