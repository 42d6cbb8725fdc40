"""Round two of the labelling, for the outfit tags (GUIDELINE.md, "Round two").

    uv run --frozen --no-sync python -m training.portrait.sample_outfit /tmp/portrait_outfit

Draws (seeded, at random: no reader screens it) OUTFIT_POOL photos with people in them, leaving
out the photos already in labels.csv, and writes them as numbered contact sheets like sample.py.
The labeller writes labels_outfit.csv from the sheets without seeing any reader's scores.

(The 24 outfit rows of labels.csv, round one, were drawn among an earlier whole-image reader's
positives by a previous version of this script; labels.csv is the record of what was labelled.)
"""

from __future__ import annotations

import csv
import random
import sys
from pathlib import Path

from training.portrait.sample import IMAGES, PHOTO_EXTENSIONS, write_sheets

ROUND_ONE = Path(__file__).with_name("labels.csv")
OUTFIT_POOL: dict[str, int] = {
    "other_instagram/family_group": 36,
    "ucf_selfies/selfie": 12,
    "sad_mood/sad": 8,
    "sports6/football": 4,
    "sports6/basketball": 4,
    "sports6/tennis": 4,
    "sports6/yoga": 4,
}
"""Folder -> how many photos to draw from it: 72 in all."""
SEED = 22


def sample_files() -> list[str]:
    with ROUND_ONE.open(encoding="utf-8") as handle:
        labelled = {row["file"] for row in csv.DictReader(handle)}
    rng = random.Random(SEED)
    chosen: list[str] = []
    for folder, count in OUTFIT_POOL.items():
        files = sorted(
            name
            for p in (IMAGES / folder).rglob("*")
            if p.suffix.lower() in PHOTO_EXTENSIONS
            and (name := str(p.relative_to(IMAGES))) not in labelled
        )
        chosen += rng.sample(files, count)
    return chosen


def main() -> None:
    files = sample_files()
    write_sheets(files, Path(sys.argv[1]))
    print("\n".join(files))


if __name__ == "__main__":
    main()
