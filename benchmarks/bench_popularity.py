"""Latency of the popularity paths (this module's own work, after the image analyzers ran).

    uv run python benchmarks/bench_popularity.py [--repeat 30]

Rows: a selfie score (score_photo on a 1080×1350 photo, with and without the quality result
precomputed), ranking an album of 10 such photos, and the personal model on profiles of 24, 48
and 100 photo posts (fit + leave-one-out + 199 permutations + per-post scores). The backbone,
faces and quality analyzers are not included: their benchmarks time them.
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable

import numpy as np

from analyzers.album import rank_album
from analyzers.popularity import PopularityAnalyzer, score_photo
from analyzers.quality import QualityAnalyzer
from analyzers.types import DecodedImage, PhotoContext
from training.popularity.synthetic import NOW, synthetic_photo, synthetic_profile


def _photo(seed: int, with_quality: bool) -> PhotoContext:
    """A 1080×1350 photo with synthetic vision/style/faces results."""
    rng = np.random.default_rng(seed)
    small = synthetic_photo(rng, "selfie", with_face=True)
    blocks = rng.uniform(0, 255, (27, 34, 3))
    pixels = np.kron(blocks, np.ones((50, 40, 1)))[:1350, :1080]
    pixels += rng.normal(0, 20, pixels.shape)
    image = DecodedImage(np.clip(pixels, 0, 255).astype(np.uint8), (1080, 1350), "JPEG")
    photo = PhotoContext(image, None, dict(small.results))
    if with_quality:
        photo.results["quality"] = QualityAnalyzer().analyze(photo)
    return photo


def _time(fn: Callable[[], object], repeat: int) -> tuple[float, float]:
    fn()  # warm-up
    runs = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        runs.append((time.perf_counter() - start) * 1000)
    return statistics.median(runs), float(np.percentile(runs, 95))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=30)
    args = parser.parse_args()
    analyzer = PopularityAnalyzer(clock=lambda: NOW)
    selfie, selfie_q = _photo(0, False), _photo(0, True)
    album = [_photo(i, True) for i in range(10)]
    profiles = {n: synthetic_profile(1, n, n_recent=2)[0] for n in (24, 48, 100)}
    rows = [
        ("selfie score (quality computed here)", lambda: score_photo(selfie)),
        ("selfie score (quality result given)", lambda: score_photo(selfie_q)),
        ("album of 10 ranked", lambda: rank_album(album)),
        *(
            (f"personal model, {n} posts", lambda p=p: analyzer.analyze(p))
            for n, p in profiles.items()
        ),
    ]
    print(f"| path | median ms | p95 ms |  (repeat {args.repeat})")
    print("|---|---:|---:|")
    for name, fn in rows:
        median, p95 = _time(fn, args.repeat)
        print(f"| {name} | {median:.1f} | {p95:.1f} |")


if __name__ == "__main__":
    main()
