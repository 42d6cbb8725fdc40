"""Latency of the popularity paths.

    uv run python benchmarks/bench_popularity.py [--repeat 30] [--pipeline]

Our own work, after the image analyzers ran: a selfie score (score_photo on an 819×1024 photo,
the decoder's working size, with and without the quality result precomputed), ranking an album
of 10 such photos (near-duplicates by embeddings, or by the pixel hash when the vision result
is missing), and the personal model on profiles of 24, 48 and 100 photo posts (fit,
leave-one-out, 199 permutations, per-post results). `--pipeline` adds end-to-end rows on real
selfies from $DIGBOT_DATA: decode + every image analyzer that loads here + ours.
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable

import numpy as np

from analyzers.images import decode_image
from analyzers.pipeline import Pipeline, load_analyzers
from analyzers.popularity.album_ranking import rank_album
from analyzers.popularity.personal import PopularityAnalyzer
from analyzers.popularity.prior import score_photo
from analyzers.quality import QualityAnalyzer
from analyzers.types import DecodedImage, PhotoContext
from training.popularity.sources import data_root
from training.popularity.synthetic import NOW, synthetic_photo, synthetic_profile


def _photo(seed: int, with_quality: bool) -> PhotoContext:
    """A 819×1024 (the decoder's working size) photo with synthetic vision/style/faces results."""
    rng = np.random.default_rng(seed)
    small = synthetic_photo(rng, "selfie", with_face=True)
    blocks = rng.uniform(0, 255, (27, 34, 3))
    pixels = np.kron(blocks, np.ones((38, 31, 1)))[:1024, :819]
    pixels += rng.normal(0, 20, pixels.shape)
    image = DecodedImage(np.clip(pixels, 0, 255).astype(np.uint8), (819, 1024), "JPEG")
    photo = PhotoContext(image, None, dict(small.results))
    if with_quality:
        photo.results["quality"] = QualityAnalyzer().analyze(photo)
    return photo


def _pipeline_rows() -> list[tuple[str, Callable[[], object]]]:
    """End to end on real photos: decode, every image analyzer that loads here, then ours."""
    folder = data_root() / "images" / "ucf_selfies" / "selfie"
    files = sorted(folder.glob("*.jpg"))[:10]
    if len(files) < 10:
        print(f"(no end-to-end rows: {folder} not found)")
        return []
    loaded = load_analyzers(profile_specs=())
    print(
        f"image analyzers loaded: {[a.name for a in loaded.image]}; missing: {loaded.unavailable}"
    )
    pipeline = Pipeline(loaded)
    raw = [f.read_bytes() for f in files]

    def selfie() -> object:
        return score_photo(pipeline.analyze_image(decode_image(raw[0])))

    def album() -> object:
        return rank_album([pipeline.analyze_image(decode_image(b)) for b in raw])

    return [
        ("selfie end to end (decode + analyzers + score)", selfie),
        ("album of 10 end to end", album),
    ]


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
    parser.add_argument(
        "--pipeline", action="store_true", help="also time real selfies through every analyzer"
    )
    args = parser.parse_args()
    analyzer = PopularityAnalyzer(clock=lambda: NOW)
    selfie, selfie_q = _photo(0, False), _photo(0, True)
    album = [_photo(i, True) for i in range(10)]
    no_vision = [PhotoContext(p.image, None, {**p.results, "vision": None}) for p in album]
    profiles = {n: synthetic_profile(1, n, n_recent=2)[0] for n in (24, 48, 100)}
    rows = [
        ("selfie score (quality computed here)", lambda: score_photo(selfie)),
        ("selfie score (quality result given)", lambda: score_photo(selfie_q)),
        ("album of 10 ranked (embeddings)", lambda: rank_album(album)),
        ("album of 10 ranked (no embeddings: pixel hash)", lambda: rank_album(no_vision)),
        *(
            (f"personal model, {n} posts", lambda p=p: analyzer.analyze(p))
            for n, p in profiles.items()
        ),
    ]
    if args.pipeline:
        rows.extend(_pipeline_rows())
    print(f"| path | median ms | p95 ms |  (repeat {args.repeat})")
    print("|---|---:|---:|")
    for name, fn in rows:
        median, p95 = _time(fn, args.repeat)
        print(f"| {name} | {median:.1f} | {p95:.1f} |")


if __name__ == "__main__":
    main()
