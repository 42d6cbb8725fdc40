"""The "Why <style>?" button's cost: occlusion heat map, chart rendering, JPEG size, memory.

    uv run python benchmarks/bench_explain.py [--repeat 5] [--batches 10 50]

Runs on what the service keeps of a sent photo: a copy downsized to KEPT_SIDE pixels on the
long side (skimage's coffee, 600x400, and chelsea, 451x300, upscaled to that side first so
the copy has the size a phone photo leaves). For each crops-per-pass value in --batches (50
is the whole occlusion grid in one pass), the median heat-map time and the peak resident
memory of a fresh process that draws one map; then the median chart render time and the
JPEG's size. The machine is shared: the load average is printed with the numbers.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import time

import numpy as np
from PIL import Image
from skimage import data as skdata

from analyzers import explain
from analyzers.types import DecodedImage
from analyzers.vision import VisionModel
from reports.heatmap import style_heatmap_chart
from service.app import KEPT_SIDE

PHOTOS = {"coffee": "food", "chelsea": "cute_animals"}


def kept_copy(name: str) -> DecodedImage:
    """The photo as the service keeps it: KEPT_SIDE pixels on its long side."""
    image = Image.fromarray(getattr(skdata, name)())
    scale = KEPT_SIDE / max(image.size)
    image = image.resize((round(image.width * scale), round(image.height * scale)))
    pixels = np.asarray(image.convert("RGB"))
    return DecodedImage(pixels, (image.width, image.height), "JPEG")


def median_seconds(call: object, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        call()  # type: ignore[operator]
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def peak_mib_of_one_map(batch: int) -> float:
    """Peak RSS of a fresh process that loads the model and draws one map with `batch`."""
    code = (
        "import resource; from analyzers import explain; "
        "from benchmarks.bench_explain import kept_copy; "
        f"explain.BATCH = {batch}; explain.explain_style(kept_copy('coffee'), 'food'); "
        "print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return int(out.stdout.strip().splitlines()[-1]) / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--batches", type=int, nargs="+", default=[10, 50])
    args = parser.parse_args()
    model = VisionModel()
    photos = {name: kept_copy(name) for name in PHOTOS}
    print(f"load average {os.getloadavg()[0]:.1f}; kept copy {KEPT_SIDE} px long side")
    print("| photo | crops per pass | heat map (median s) | peak RSS of one map (MiB) |")
    print("|---|---|---|---|")
    for batch in args.batches:
        explain.BATCH = batch
        peak = peak_mib_of_one_map(batch)
        for name, style in PHOTOS.items():
            image = photos[name]
            explain.explain_style(image, style, model)  # warm
            seconds = median_seconds(
                lambda image=image, style=style: explain.explain_style(image, style, model),
                args.repeat,
            )
            print(f"| {name} | {batch} | {seconds:.2f} | {peak:.0f} |")
    print("\n| photo | render (median s) | JPEG KiB |\n|---|---|---|")
    for name, style in PHOTOS.items():
        image = photos[name]
        why = explain.explain_style(image, style, model)
        jpeg = style_heatmap_chart(image.pixels, style, why)
        seconds = median_seconds(
            lambda image=image, style=style, why=why: style_heatmap_chart(image.pixels, style, why),
            args.repeat,
        )
        print(f"| {name} | {seconds:.2f} | {len(jpeg) / 1024:.0f} |")
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"\npeak RSS of this process: {own:.0f} MiB")


if __name__ == "__main__":
    main()
