"""Round three of the labelling: a census of the outfit readers' positives for the rare items.

    uv run --frozen --no-sync python -m training.portrait.census /tmp/portrait_census [--cache F]

Suits, hats, dresses and swimwear are too rare in a random draw to set a threshold (round two:
2 suits in 160 photos). So every photo of CENSUS_POOL (all of it, not a sample) whose `persons`
score (training/portrait/calibrate.py) for one of the CENSUS_FLOORS tags reaches its floor is
labelled for those four tags, leaving out the photos labelled in rounds one and two. For any
threshold at or above a tag's floor, precision over the pool is then counted on every photo
the reader would tag: none of them goes unlabelled. Writes numbered contact sheets.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np

from analyzers.content import OUTFIT_CLASSES
from training.portrait.calibrate import cached_scores
from training.portrait.labels import CENSUS_FLOORS, LABELS, LABELS_OUTFIT, labelled_rows
from training.portrait.sample import IMAGES, PHOTO_EXTENSIONS, write_sheets

CENSUS_POOL = (
    "other_instagram/family_group",
    "ucf_selfies/selfie",
    "sad_mood/sad",
    "sports6/swimming",
    "sports6/tennis",
)


def pool_files(
    folders: tuple[str, ...] = CENSUS_POOL, labelled_in: tuple[Path, ...] = (LABELS, LABELS_OUTFIT)
) -> list[str]:
    """The photos of `folders` that no file of `labelled_in` holds."""
    labelled = {row.file for row in labelled_rows(labelled_in)}
    return sorted(
        name
        for folder in folders
        for p in (IMAGES / folder).rglob("*")
        if p.suffix.lower() in PHOTO_EXTENSIONS
        and (name := str(p.relative_to(IMAGES))) not in labelled
    )


def census_files(cache: Path | None) -> list[str]:
    files = pool_files()
    scores = cached_scores(files, cache)["persons"]
    columns = [list(OUTFIT_CLASSES).index(tag) for tag in CENSUS_FLOORS]
    reached = (scores[:, columns] >= np.array(list(CENSUS_FLOORS.values()))).any(axis=1)
    return [f for f, hit in zip(files, reached, strict=True) if hit]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("sheets", type=Path)
    parser.add_argument("--cache", type=Path, help="store/reuse the readers' scores here")
    args = parser.parse_args()
    files = census_files(args.cache)
    write_sheets(files, args.sheets)
    print(f"# {len(files)} of {len(pool_files())} pool photos reach a floor")
    print("\n".join(files))


if __name__ == "__main__":
    main()
