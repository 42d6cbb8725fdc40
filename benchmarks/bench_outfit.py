"""What reading outfits costs: the content analyzer with and without its outfit passes.

The outfit reader runs one backbone pass per subject (at most MAX_PEOPLE) on photos with people
(analyzers/content.py). This times `ContentAnalyzer.analyze` on the round-two labelled photos
(all with people; training/portrait/labels_outfit.csv), once as shipped and once with no outfit
tag shipped (no pass), after vision, faces and style have run on each photo.

    uv run --frozen --no-sync python -m benchmarks.bench_outfit
"""

from __future__ import annotations

import os
import statistics
import time

from analyzers.content import (
    MAX_PEOPLE,
    OUTFIT_READERS,
    OUTFIT_SHIPPED,
    ContentAnalyzer,
    person_crops,
)
from analyzers.images import decode_image
from analyzers.pipeline import Pipeline, load_analyzers
from analyzers.types import FacesResult, PhotoContext
from training.portrait.evaluate import ANALYZERS
from training.portrait.labels import LABELS_OUTFIT, labelled_rows
from training.portrait.sample import IMAGES


def _faces(context: PhotoContext) -> FacesResult | None:
    faces = context.results.get("faces")
    return faces if isinstance(faces, FacesResult) else None


def _median_ms(reader: ContentAnalyzer, contexts: list[PhotoContext]) -> float:
    times = []
    for context in contexts:
        start = time.perf_counter()
        reader.analyze(context)
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000


def main() -> None:
    pipeline = Pipeline(load_analyzers(ANALYZERS, ()))
    files = [row.file for row in labelled_rows((LABELS_OUTFIT,))]
    contexts = [pipeline.analyze_image(decode_image((IMAGES / f).read_bytes())) for f in files]
    shipped, without = ContentAnalyzer(), ContentAnalyzer(shipped={})
    readers = {OUTFIT_READERS[reader] for reader, _ in OUTFIT_SHIPPED.values()}
    crops = [
        sum(len(person_crops(c.image, _faces(c), *reader)) for reader in readers) for c in contexts
    ]
    _median_ms(shipped, contexts[:5])  # warm up
    with_outfits, without_outfits = _median_ms(shipped, contexts), _median_ms(without, contexts)
    print(f"{len(contexts)} photos with people, load average {os.getloadavg()[0]:.1f}")
    print(f"crops read per photo: median {statistics.median(crops)}, max {max(crops)}")
    print(f"content analyzer, median per photo: {with_outfits:.1f} ms with outfits, ", end="")
    print(f"{without_outfits:.1f} ms without (at most {MAX_PEOPLE} crops per reader)")


if __name__ == "__main__":
    main()
