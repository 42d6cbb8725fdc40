"""A second labelling sample for the outfit tags, which the first sample rarely triggers.

    uv run --frozen --no-sync python -m training.portrait.sample_outfit /tmp/portrait_outfit

Draws (seeded) OUTFIT_SAMPLE photos among those of OUTFIT_POOL where analyzers/content.py says at
least one outfit tag, and writes them as numbered contact sheets like sample.py. Drawn from the
analyzer's own positives, this sample measures precision (what it says is right), not recall.
The labeller labels every tag of GUIDELINE.md on them, without seeing the predictions.

The 24 outfit rows of labels.csv were drawn by the first outfit reader (ImageNet top-5 of the
whole photo, threshold 0.10), which was replaced by the person-crop reader before the first
commit; this script now screens with the crop reader, so a re-run draws a different sample.
labels.csv is the record of what was labelled.
"""

from __future__ import annotations

import random
import sys
from pathlib import Path

from analyzers.content import ContentAnalyzer
from analyzers.pipeline import Pipeline, load_analyzers
from training.portrait.evaluate import ANALYZERS, predicted_tags
from training.portrait.sample import IMAGES, PHOTO_EXTENSIONS, write_sheets

OUTFIT_POOL: dict[str, int] = {
    "other_instagram/family_group": 120,
    "selfies_more/selfie": 80,
    "ucf_selfies/selfie": 40,
    "sports6/football": 20,
    "sports6/tennis": 20,
    "sports6/swimming": 20,
    "sports6/basketball": 20,
}
"""Folder -> how many of its photos (first by name) are screened."""
OUTFIT_SAMPLE = 24
SEED = 21


def main() -> None:
    pipeline = Pipeline(load_analyzers(ANALYZERS, ()))
    reader = ContentAnalyzer(dropped=frozenset())
    positives: list[str] = []
    for folder, count in OUTFIT_POOL.items():
        files = sorted(
            p for p in (IMAGES / folder).rglob("*") if p.suffix.lower() in PHOTO_EXTENSIONS
        )[:count]
        for path in files:
            if any(t.startswith("outfit:") for t in predicted_tags(pipeline, reader, path)):
                positives.append(str(path.relative_to(IMAGES)))
    chosen = random.Random(SEED).sample(positives, OUTFIT_SAMPLE)
    write_sheets(chosen, Path(sys.argv[1]))
    print(f"# {len(positives)} photos with an outfit tag in the pool")
    print("\n".join(chosen))


if __name__ == "__main__":
    main()
